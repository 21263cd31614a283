package org.clkernel.benchmarks;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.clkernel.api.heap.KernelHeap.StrategySwap;
import org.clkernel.heap.KernelHeapService;

/**
 * The pause of a live strategy swap (how long heap calls are held off) against the number of live
 * blocks, with one thread calling kmalloc/kfree the whole time, as a markdown table. The heap holds
 * N live blocks and about as many free blocks between them (every other block freed), so the new
 * index has N free blocks to build; it builds them while calls go on, and the pause is the catching
 * up with what changed meanwhile. JMH's {@code HeapBenchmark.swap} gives the whole time of a swap.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar org.clkernel.benchmarks.HeapSwapPause [SWAPS]}
 */
public final class HeapSwapPause {
    private HeapSwapPause() {
    }

    public static void main(String[] args) throws Exception {
        int swaps = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        System.out.println("| live blocks | free blocks | pause median (ms) | pause p95 (ms) | pause max (ms) | quiesce max (ms) | rebuild median (ms) | calls during the swaps |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (int live : new int[] {1_000, 10_000, 100_000}) {
            KernelHeapService heap = HeapBenchmark.boot();
            HeapBenchmark.populate(heap, live, new Random(3));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong calls = new AtomicLong();
            Thread load = new Thread(() -> {
                int i = 0;
                while (!stop.get()) {
                    long a = heap.kmalloc(HeapBenchmark.SIZES[i++ % HeapBenchmark.SIZES.length], 0);
                    heap.kfree(a);
                    calls.addAndGet(2);
                }
            });
            load.start();
            double[] pause = new double[swaps];
            double[] quiesce = new double[swaps];
            double[] rebuild = new double[swaps];
            long free = 0;
            for (int s = -10; s < swaps; s++) { // ten to warm up
                heap.useStrategy(s % 2 == 0 ? "tlsf" : "best-fit");
                StrategySwap swap = heap.lastSwap();
                if (s >= 0) {
                    pause[s] = swap.pauseNanos() / 1e6;
                    quiesce[s] = swap.quiesceNanos() / 1e6;
                    rebuild[s] = swap.rebuildNanos() / 1e6;
                    free = swap.freeBlocks();
                }
            }
            stop.set(true);
            load.join();
            Arrays.sort(pause);
            Arrays.sort(quiesce);
            Arrays.sort(rebuild);
            System.out.printf(Locale.ROOT, "| %,d | %,d | %.3f | %.3f | %.3f | %.3f | %.3f | %,d |%n", live, free, pause[swaps / 2],
                    pause[(int) (swaps * 0.95)], pause[swaps - 1], quiesce[swaps - 1], rebuild[swaps / 2], calls.get());
            heap.deactivate();
        }
    }
}
