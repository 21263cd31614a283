package org.clkernel.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.clkernel.api.heap.HeapView;
import org.clkernel.api.heap.KernelHeap;
import org.clkernel.api.heap.PlacementStrategy;
import org.clkernel.heap.bestfit.BestFitStrategy;
import org.clkernel.heap.nextfit.NextFitStrategy;
import org.clkernel.heap.segfit.SegregatedFitStrategy;
import org.clkernel.heap.tlsf.TlsfStrategy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Random runs of kmalloc and kfree with hot swaps between first fit, next fit, best fit, segregated
 * fits and TLSF (chosen by name, installed, or leaving) at random points. Every block is filled with
 * its own byte; after every step check() is ok, the serving strategy's index agrees with the heap's
 * free blocks (it was built from a snapshot while calls went on), and every live block still holds its fill byte:
 * a swap loses no block and no content, whichever strategy placed it.
 */
class StrategySwapPropertiesTest {
    private static final String[] NAMES = {KernelHeap.BUILTIN_STRATEGY, "next-fit", "best-fit", "segregated-fit", "tlsf", ""};

    @Property(tries = 200)
    void swapsInTheMiddleOfARunKeepEveryBlock(@ForAll("runs") List<long[]> run) {
        BootedHeap h = new BootedHeap();
        KernelHeapService heap = h.heap;
        List<Watched> made = new ArrayList<>();
        Installed nextFit = Installed.install(heap, "next-fit", 5, Watched.making(made, NextFitStrategy::new));
        Installed bestFit = Installed.install(heap, "best-fit", 10, Watched.making(made, BestFitStrategy::new));
        Installed segregatedFit = Installed.install(heap, "segregated-fit", 15,
                Watched.making(made, SegregatedFitStrategy::new));
        Installed tlsf = null;
        TreeMap<Long, long[]> live = new TreeMap<>();
        int fill = 1;
        for (long[] op : run) {
            switch ((int) op[0]) {
                case 0 -> {
                    long a = heap.kmalloc(op[1], 1);
                    assertNotEquals(0, a);
                    h.fill(a, op[1], fill);
                    live.put(a, new long[] {op[1], fill});
                    Statistics.label("placed by").collect(heap.strategy());
                    fill = fill % 250 + 1;
                }
                case 1 -> {
                    if (!live.isEmpty()) {
                        long a = (Long) live.keySet().toArray()[(int) (op[1] % live.size())];
                        heap.kfree(a);
                        live.remove(a);
                    }
                }
                case 2 -> {
                    String name = NAMES[(int) (op[1] % NAMES.length)];
                    if (name.equals("tlsf") && tlsf == null) {
                        name = "";
                    }
                    heap.useStrategy(name);
                }
                default -> {
                    if (tlsf == null) {
                        tlsf = Installed.install(heap, "tlsf", 20, Watched.making(made, TlsfStrategy::new));
                    } else {
                        heap.removeStrategy(tlsf);
                        tlsf = null;
                    }
                }
            }
            h.assertIntact();
            for (Watched w : made) {
                if (w == heap.servingStrategy()) {
                    assertNull(w.check(heap.freeBlocks()), w.strategy.getClass().getSimpleName());
                }
            }
            for (Map.Entry<Long, long[]> e : live.entrySet()) {
                h.assertFilled(e.getKey(), e.getValue()[0], (int) e.getValue()[1]);
            }
        }
        heap.removeStrategy(segregatedFit);
        heap.removeStrategy(bestFit);
        heap.removeStrategy(nextFit);
        if (tlsf != null) {
            heap.removeStrategy(tlsf);
        }
        assertEquals(KernelHeap.BUILTIN_STRATEGY, heap.strategy());
        assertEquals(0, nextFit.outstanding);
        assertEquals(0, bestFit.outstanding);
        assertEquals(0, segregatedFit.outstanding);
        assertEquals(live.size(), heap.stats().blocks());
    }

    /**
     * Delegates to a strategy, so that the test can find the one serving and check its index
     * against the heap's free blocks (it attached to a snapshot of them).
     */
    private static final class Watched implements PlacementStrategy {
        final PlacementStrategy strategy;

        private Watched(PlacementStrategy strategy) {
            this.strategy = strategy;
        }

        static Supplier<PlacementStrategy> making(List<Watched> made, Supplier<PlacementStrategy> make) {
            return () -> {
                Watched w = new Watched(make.get());
                made.add(w);
                return w;
            };
        }

        @Override
        public void attach(HeapView heap) {
            strategy.attach(heap);
        }

        @Override
        public void detach() {
            strategy.detach();
        }

        @Override
        public void blockFreed(long address, long size) {
            strategy.blockFreed(address, size);
        }

        @Override
        public void blockUsed(long address) {
            strategy.blockUsed(address);
        }

        @Override
        public long find(long size) {
            return strategy.find(size);
        }

        @Override
        public String check(HeapView heap) {
            return strategy.check(heap);
        }
    }

    @Provide
    Arbitrary<List<long[]>> runs() {
        Arbitrary<long[]> alloc = Arbitraries.oneOf(Arbitraries.longs().between(1, 200), Arbitraries.longs().between(1, 9000))
                .map(x -> new long[] {0, x});
        Arbitrary<long[]> free = Arbitraries.longs().between(0, 1000).map(x -> new long[] {1, x});
        Arbitrary<long[]> choose = Arbitraries.longs().between(0, NAMES.length - 1).map(x -> new long[] {2, x});
        Arbitrary<long[]> tlsf = Arbitraries.just(new long[] {3, 0});
        return Arbitraries.frequencyOf(Tuple.of(6, alloc), Tuple.of(4, free), Tuple.of(1, choose), Tuple.of(1, tlsf))
                .list().ofMaxSize(60);
    }
}
