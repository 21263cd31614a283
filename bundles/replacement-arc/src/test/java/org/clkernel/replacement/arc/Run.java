package org.clkernel.replacement.arc;

import java.util.Arrays;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * A random workload for property tests: a frame count and a string of steps, each a page
 * reference (a non-negative page id) or a removal by the host (-1 - k: remove the k-th resident
 * page, modulo their number). Pages come from a small universe with a hot part, so that hits,
 * ghost hits and evictions all happen often.
 */
record Run(int frames, long[] steps) {

    /** The references alone, in order: what the host knows as the future. */
    long[] references() {
        return Arrays.stream(steps).filter(s -> s >= 0).toArray();
    }

    static int removalIndex(long step) {
        return (int) (-1 - step);
    }

    static Arbitrary<Run> runs() {
        return Arbitraries.integers().between(1, 10).flatMap(frames ->
                Arbitraries.integers().between(frames + 1, 4 * frames + 4).flatMap(universe -> {
                    Arbitrary<Long> hot = Arbitraries.longs().between(0, Math.max(0, frames - 1));
                    Arbitrary<Long> any = Arbitraries.longs().between(0, universe - 1);
                    Arbitrary<Long> removal = Arbitraries.longs().between(-frames, -1);
                    Arbitrary<Long> step = Arbitraries.frequencyOf(Tuple.of(6, hot), Tuple.of(6, any), Tuple.of(1, removal));
                    return step.list().ofMinSize(1).ofMaxSize(300)
                            .map(List::stream)
                            .map(s -> new Run(frames, s.mapToLong(Long::longValue).toArray()));
                }));
    }

    @Override
    public String toString() {
        return "Run[frames=" + frames + ", steps=" + Arrays.toString(steps) + "]";
    }
}
