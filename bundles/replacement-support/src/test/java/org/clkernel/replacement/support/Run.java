package org.clkernel.replacement.support;

import java.util.Arrays;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * A random workload for the properties: a frame count and a string of entries for a
 * {@link TestHost}, references (page ids) and removals ({@code -1 - k}).
 */
public record Run(int frames, long[] string) {

    /** The references alone, in order. */
    public long[] references() {
        return Arrays.stream(string).filter(entry -> entry >= 0).toArray();
    }

    /** The k of a removal entry -1 - k. */
    public static int pick(long entry) {
        return (int) (-1 - entry);
    }

    /**
     * Mostly small frame counts, where evictions come every few steps. Pages come from an alphabet
     * of up to 4 x frames + 4 ids, either dense small ids (as a replay renumbers them) or ids
     * spread over all non-negative longs (as virtual page numbers of many address spaces are);
     * half the references go to its first {@code frames} pages, so that pages come back while a
     * policy still remembers them (ghost hits) as well as after it forgot them. About one entry in
     * twenty is a removal.
     */
    public static Arbitrary<Run> runs() {
        Arbitrary<Integer> frameCounts = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(1, 10)),
                Tuple.of(1, Arbitraries.integers().between(11, 64)));
        return frameCounts.flatMap(frames -> alphabets(4 * frames + 4).flatMap(alphabet -> {
            Arbitrary<Long> hot = Arbitraries.of(alphabet.subList(0, Math.min(frames, alphabet.size())));
            Arbitrary<Long> any = Arbitraries.of(alphabet);
            Arbitrary<Long> removal = Arbitraries.longs().between(-1000, -1);
            return Arbitraries.frequencyOf(Tuple.of(10, hot), Tuple.of(9, any), Tuple.of(1, removal))
                    .list().ofMaxSize(400)
                    .map(entries -> new Run(frames, entries.stream().mapToLong(Long::longValue).toArray()));
        }));
    }

    private static Arbitrary<List<Long>> alphabets(int maxSize) {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(0, 3L * maxSize).list().uniqueElements().ofMinSize(1).ofMaxSize(maxSize),
                Arbitraries.longs().between(0, Long.MAX_VALUE).list().uniqueElements().ofMinSize(1).ofMaxSize(maxSize));
    }

    @Override
    public String toString() {
        return "Run[frames=" + frames + ", string=" + Arrays.toString(string) + "]";
    }
}
