package org.clkernel.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.TreeMap;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import org.clkernel.api.heap.PlacementStrategy;
import org.clkernel.heap.bestfit.BestFitStrategy;
import org.clkernel.heap.tlsf.TlsfStrategy;

/**
 * Runs random sequences of frees, uses, searches and re-attaches on each strategy bundle's
 * strategy and on a trivial reference, the free blocks sorted by address, in lockstep. After every
 * step the index passes its check, and every search agrees with the reference: 0 exactly when no
 * free block is large enough, else a free block at least that big (for best fit, a smallest one).
 */
class PlacementStrategyPropertiesTest {

    @Property(tries = 300)
    void bestFitFindsASmallestFreeBlockLargeEnough(@ForAll("runs") List<long[]> run) {
        BestFitStrategy s = new BestFitStrategy();
        lockstep(s, run, true, s::check, s::size);
    }

    @Property(tries = 300)
    void tlsfFindsAFreeBlockLargeEnoughWheneverOneExists(@ForAll("runs") List<long[]> run) {
        TlsfStrategy s = new TlsfStrategy();
        lockstep(s, run, false, s::check, s::size);
    }

    private static void lockstep(PlacementStrategy s, List<long[]> run, boolean best,
            java.util.function.Supplier<String> check, java.util.function.IntSupplier indexed) {
        TreeMap<Long, Long> free = new TreeMap<>();
        s.attach(v -> free.forEach(v::visit));
        long next = 0x1000;
        for (long[] op : run) {
            switch ((int) op[0]) {
                case 0 -> {
                    s.blockFreed(next, op[1]);
                    free.put(next, op[1]);
                    next += op[1];
                }
                case 1 -> {
                    if (!free.isEmpty()) {
                        long a = (Long) free.keySet().toArray()[(int) (op[1] % free.size())];
                        s.blockUsed(a);
                        free.remove(a);
                    }
                }
                case 2 -> {
                    s.detach();
                    s.attach(v -> free.forEach(v::visit));
                }
                default -> {
                    long size = op[1];
                    long a = s.find(size);
                    long smallest = free.values().stream().filter(x -> x >= size).min(Long::compare).orElse(0L);
                    if (smallest == 0) {
                        assertEquals(0, a, "no free block holds " + size + " bytes");
                    } else {
                        assertTrue(free.containsKey(a), String.format("0x%x is not a free block", a));
                        assertTrue(free.get(a) >= size, "block of " + free.get(a) + " bytes for " + size);
                        if (best) {
                            assertEquals(smallest, free.get(a), "not the smallest block large enough");
                        }
                    }
                }
            }
            assertNull(check.get());
            assertEquals(free.size(), indexed.getAsInt());
        }
    }

    @Provide
    Arbitrary<List<long[]>> runs() {
        Arbitrary<Long> sizes = Arbitraries.oneOf(Arbitraries.longs().between(4, 40).map(x -> x * 8),
                Arbitraries.longs().between(1, 1 << 20).map(x -> x * 8));
        Arbitrary<long[]> freed = sizes.map(x -> new long[] {0, x});
        Arbitrary<long[]> used = Arbitraries.longs().between(0, 1000).map(x -> new long[] {1, x});
        Arbitrary<long[]> reattach = Arbitraries.just(new long[] {2, 0});
        Arbitrary<long[]> find = Arbitraries.oneOf(sizes, Arbitraries.longs().between(1, 9000)).map(x -> new long[] {3, x});
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, freed), net.jqwik.api.Tuple.of(3, used),
                net.jqwik.api.Tuple.of(1, reattach), net.jqwik.api.Tuple.of(5, find))
                .list().ofMaxSize(80);
    }
}
