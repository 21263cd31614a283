package org.clkernel.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntSupplier;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import org.clkernel.api.heap.HeapView;
import org.clkernel.api.heap.PlacementStrategy;
import org.clkernel.heap.bestfit.BestFitStrategy;
import org.clkernel.heap.nextfit.NextFitStrategy;
import org.clkernel.heap.segfit.SegregatedFitStrategy;
import org.clkernel.heap.tlsf.TlsfStrategy;

/**
 * Runs random sequences of frees, re-reports with a new size, uses, searches and re-attaches on
 * each strategy bundle's strategy and on a trivial reference, the free blocks sorted by address, in
 * lockstep. After every step the index passes its check against the reference, and every search
 * agrees with it: 0 exactly when no free block is large enough, else a free block at least that
 * big; and for the strategies whose rule the reference can play, exactly the block that rule names.
 */
class PlacementStrategyPropertiesTest {

    @Property(tries = 300)
    void bestFitFindsTheSmallestFreeBlockLargeEnoughAtTheLowestAddress(@ForAll("runs") List<long[]> run) {
        BestFitStrategy s = new BestFitStrategy();
        lockstep(s, s::size, run, Reference::bestFit);
    }

    @Property(tries = 300)
    void tlsfFindsAFreeBlockLargeEnoughWheneverOneExists(@ForAll("runs") List<long[]> run) {
        TlsfStrategy s = new TlsfStrategy();
        lockstep(s, s::size, run, null);
    }

    @Property(tries = 300)
    void nextFitFindsTheFirstBlockLargeEnoughFromTheRover(@ForAll("runs") List<long[]> run) {
        NextFitStrategy s = new NextFitStrategy();
        lockstep(s, s::size, run, Reference::nextFit);
    }

    @Property(tries = 300)
    void segregatedFitFindsTheBlockItsClassRuleNames(@ForAll("runs") List<long[]> run) {
        SegregatedFitStrategy s = new SegregatedFitStrategy();
        lockstep(s, s::size, run, Reference::segregatedFit);
    }

    /** What a strategy's rule answers for a request, played on the reference. */
    @FunctionalInterface
    interface Rule {
        long answer(Reference reference, long size);
    }

    private static void lockstep(PlacementStrategy s, IntSupplier indexed, List<long[]> run, Rule rule) {
        Reference ref = new Reference();
        s.attach(ref.view);
        long next = 0x1000;
        for (long[] op : run) {
            switch ((int) op[0]) {
                case 0 -> {
                    s.blockFreed(next, op[1]);
                    ref.freed(next, op[1]);
                    next += op[1];
                }
                case 1 -> {
                    if (!ref.free.isEmpty()) {
                        long a = ref.pick(op[1]);
                        s.blockUsed(a);
                        ref.used(a);
                    }
                }
                case 2 -> {
                    s.detach();
                    s.attach(ref.view);
                    ref.attached();
                }
                case 3 -> {
                    if (!ref.free.isEmpty()) {
                        long a = ref.pick(op[1]);
                        long size = 32 + 8 * (op[1] % 64);
                        s.blockFreed(a, size);
                        ref.freed(a, size);
                    }
                }
                default -> {
                    long size = op[1];
                    long a = s.find(size);
                    long smallest = ref.free.values().stream().filter(x -> x >= size).min(Long::compare).orElse(0L);
                    if (smallest == 0) {
                        assertEquals(0, a, "no free block holds " + size + " bytes");
                    } else {
                        assertTrue(ref.free.containsKey(a), String.format("0x%x is not a free block", a));
                        assertTrue(ref.free.get(a) >= size, "block of " + ref.free.get(a) + " bytes for " + size);
                    }
                    if (rule != null) {
                        assertEquals(ref.hex(rule.answer(ref, size)), ref.hex(a), "the block the rule names for " + size + " bytes");
                    }
                }
            }
            assertNull(s.check(ref.view));
            assertEquals(ref.free.size(), indexed.getAsInt());
        }
    }

    /**
     * The free blocks by address, the order they were last indexed in (the heap visits them in
     * address order on every attach), and the next-fit rover.
     */
    static final class Reference {
        final TreeMap<Long, Long> free = new TreeMap<>();
        final HeapView view = v -> free.forEach(v::visit);
        private final Map<Long, Long> indexedAt = new HashMap<>();
        private long clock;
        private long rover;

        void freed(long address, long size) {
            free.put(address, size);
            indexedAt.put(address, ++clock);
        }

        void used(long address) {
            free.remove(address);
            indexedAt.remove(address);
        }

        void attached() {
            free.keySet().forEach(a -> indexedAt.put(a, ++clock));
            rover = 0;
        }

        long pick(long n) {
            return (Long) free.keySet().toArray()[(int) (n % free.size())];
        }

        String hex(long address) {
            return String.format("0x%x", address);
        }

        long bestFit(long size) {
            return free.entrySet().stream().filter(e -> e.getValue() >= size)
                    .min(Comparator.<Map.Entry<Long, Long>>comparingLong(Map.Entry::getValue).thenComparingLong(Map.Entry::getKey))
                    .map(Map.Entry::getKey).orElse(0L);
        }

        /** The first block large enough at or above the rover, else from the bottom; the rover follows. */
        long nextFit(long size) {
            long found = free.tailMap(rover, true).entrySet().stream().filter(e -> e.getValue() >= size)
                    .map(Map.Entry::getKey).findFirst()
                    .orElseGet(() -> free.headMap(rover, false).entrySet().stream().filter(e -> e.getValue() >= size)
                            .map(Map.Entry::getKey).findFirst().orElse(0L));
            if (found != 0) {
                rover = found;
            }
            return found;
        }

        /** The lowest size class holding a block large enough; in it, of those, the one indexed last. */
        long segregatedFit(long size) {
            int lowest = free.values().stream().filter(x -> x >= size).mapToInt(Reference::segregatedClass).min().orElse(-1);
            return free.entrySet().stream()
                    .filter(e -> e.getValue() >= size && segregatedClass(e.getValue()) == lowest)
                    .max(Comparator.comparingLong(e -> indexedAt.get(e.getKey())))
                    .map(Map.Entry::getKey).orElse(0L);
        }

        /** Exact 8-byte classes below 512 bytes, one per power of two from there. */
        static int segregatedClass(long size) {
            return size < 512 ? (int) (size / 8) : 64 + (63 - Long.numberOfLeadingZeros(size)) - 9;
        }
    }

    @Provide
    Arbitrary<List<long[]>> runs() {
        Arbitrary<Long> sizes = Arbitraries.oneOf(Arbitraries.longs().between(4, 40).map(x -> x * 8),
                Arbitraries.longs().between(4, 1 << 20).map(x -> x * 8));
        Arbitrary<long[]> freed = sizes.map(x -> new long[] {0, x});
        Arbitrary<long[]> used = Arbitraries.longs().between(0, 1000).map(x -> new long[] {1, x});
        Arbitrary<long[]> reattach = Arbitraries.just(new long[] {2, 0});
        Arbitrary<long[]> resized = Arbitraries.longs().between(0, 1000).map(x -> new long[] {3, x});
        Arbitrary<long[]> find = Arbitraries.oneOf(sizes, Arbitraries.longs().between(1, 9000)).map(x -> new long[] {4, x});
        return Arbitraries.frequencyOf(Tuple.of(4, freed), Tuple.of(3, used), Tuple.of(1, reattach),
                Tuple.of(1, resized), Tuple.of(5, find))
                .list().ofMaxSize(80);
    }
}
