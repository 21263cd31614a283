package org.clkernel.replacement.lru;

import java.util.Arrays;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/** Random runs for the properties: a frame count and a string of references and removals. */
final class Runs {

    /**
     * @param frames capacity
     * @param string page ids, and negative entries for removals (see {@link TestHost})
     */
    record Run(int frames, long[] string) {
        @Override
        public String toString() {
            return "Run[frames=" + frames + ", string=" + Arrays.toString(string) + "]";
        }
    }

    private Runs() {
    }

    /**
     * Mostly small frame counts, where evictions come every few steps; pages from an alphabet a
     * little larger than the frames, either dense small ids (as a replay renumbers them) or ids
     * spread over all non-negative longs (as virtual page numbers of many address spaces are);
     * about one entry in twenty a removal.
     */
    static Arbitrary<Run> runs() {
        Arbitrary<Integer> frameCounts = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(1, 8)),
                Tuple.of(1, Arbitraries.integers().between(9, 64)));
        return frameCounts.flatMap(frames -> alphabets(2 * frames + 4).flatMap(alphabet -> Arbitraries.frequencyOf(
                Tuple.of(19, Arbitraries.of(alphabet)),
                Tuple.of(1, Arbitraries.longs().between(-1000, -1)))
                .list().ofMaxSize(400)
                .map(entries -> new Run(frames, entries.stream().mapToLong(Long::longValue).toArray()))));
    }

    private static Arbitrary<List<Long>> alphabets(int maxSize) {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(0, 3L * maxSize).list().uniqueElements().ofMinSize(1).ofMaxSize(maxSize),
                Arbitraries.longs().between(0, Long.MAX_VALUE).list().uniqueElements().ofMinSize(1).ofMaxSize(maxSize));
    }

    /** The resident page a removal entry picks, by {@link TestHost#removeResident}'s rule. */
    static int pick(long entry) {
        return (int) (-entry - 1);
    }
}
