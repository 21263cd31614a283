package org.clkernel.benchmarks;

import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.clkernel.api.heap.KernelHeap;
import org.clkernel.api.heap.PlacementStrategy;
import org.clkernel.heap.KernelHeapService;
import org.clkernel.heap.bestfit.BestFitStrategy;
import org.clkernel.heap.nextfit.NextFitStrategy;
import org.clkernel.heap.segfit.SegregatedFitStrategy;
import org.clkernel.heap.tlsf.TlsfStrategy;
import org.clkernel.machine.EmulatedMachine;
import org.clkernel.paging.space.VirtualMemoryService;
import org.clkernel.physical.BuddyFrameAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;

/**
 * The kernel heap on a 512 MiB machine, one thread, all block tags in emulated RAM.
 *
 * <ul>
 * <li>{@code pair}: kmalloc then kfree of a size from a fixed mix (16 to 1024 bytes), on a heap
 *     that already holds {@value #LIVE} live blocks with holes between them, so the strategy's
 *     index has work to do; with the heap's checks on (the defaults) and off.</li>
 * <li>{@code pairTwoThreads}: the same from two threads sharing one heap.</li>
 * <li>{@code swap}: one live swap of the placement strategy (quiesce, detach, attach and rebuild
 *     the index from the heap's free blocks, resume) with {@code liveBlocks} live blocks and about
 *     as many free blocks between them: what the swap pause costs as the heap grows.</li>
 * </ul>
 */
@Fork(1)
public class HeapBenchmark {
    static final int LIVE = 1000;
    static final long[] SIZES = {16, 24, 40, 64, 100, 128, 200, 256, 500, 1024};

    /** Every strategy bundle's strategy: name, ranking, constructor. */
    static final Object[][] STRATEGIES = {
        {"best-fit", 10, (Supplier<PlacementStrategy>) BestFitStrategy::new},
        {"tlsf", 20, (Supplier<PlacementStrategy>) TlsfStrategy::new},
        {"next-fit", 5, (Supplier<PlacementStrategy>) NextFitStrategy::new},
        {"segregated-fit", 15, (Supplier<PlacementStrategy>) SegregatedFitStrategy::new},
    };

    /** A strategy service as Declarative Services hands it over: a new instance per get. */
    @SuppressWarnings("unchecked")
    static ComponentServiceObjects<PlacementStrategy> service(Object make) {
        Supplier<PlacementStrategy> supplier = (Supplier<PlacementStrategy>) make;
        return new ComponentServiceObjects<>() {
            @Override
            public PlacementStrategy getService() {
                return supplier.get();
            }

            @Override
            public void ungetService(PlacementStrategy service) {
            }

            @Override
            public ServiceReference<PlacementStrategy> getServiceReference() {
                return null;
            }
        };
    }

    static Map<String, Object> properties(Object[] strategy) {
        return Map.of(PlacementStrategy.NAME, strategy[0], "service.ranking", strategy[1]);
    }

    static KernelHeapService boot() {
        EmulatedMachine machine = new EmulatedMachine(512);
        BuddyFrameAllocator frames = new BuddyFrameAllocator(machine);
        // as Declarative Services activates it: time stamps from the heap's clock thread
        KernelHeapService heap = new KernelHeapService(machine, frames, new VirtualMemoryService(machine, frames), Map.of());
        for (Object[] s : STRATEGIES) {
            heap.addStrategy(service(s[2]), properties(s));
        }
        return heap;
    }

    /** Allocates {@code live} blocks and frees every other one, leaving holes of mixed sizes. */
    static void populate(KernelHeap heap, int live, Random random) {
        long[] blocks = new long[2 * live];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = heap.kmalloc(SIZES[random.nextInt(SIZES.length)], 0);
        }
        for (int i = 0; i < blocks.length; i += 2) {
            heap.kfree(blocks[i]);
        }
    }

    /** A heap with {@value #LIVE} live blocks, placed by one strategy. */
    @State(Scope.Thread)
    public static class Pair {
        @Param({"first-fit", "next-fit", "best-fit", "segregated-fit", "tlsf"})
        String strategy;

        /** "on": the default checks (canary, poison and a 64 KiB quarantine, zero on free); "off": canary only. */
        @Param({"off", "on"})
        String checks;

        KernelHeapService heap;
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            heap = boot();
            if (checks.equals("off")) {
                heap.configure(Map.of("poison", "false", "zero.on.free", "false"));
            }
            heap.useStrategy(strategy);
            populate(heap, LIVE, new Random(1));
        }
    }

    /** One kmalloc and one kfree: two operations. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    public long pair(Pair p) {
        long size = SIZES[p.next++ % SIZES.length];
        long address = p.heap.kmalloc(size, 0);
        p.heap.kfree(address);
        return address;
    }

    /** One heap shared by the benchmark's threads, as {@link Pair} sets it up. */
    @State(Scope.Benchmark)
    public static class Shared extends Pair {
    }

    /** Each thread's position in the size mix. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    /** {@link #pair} from two threads on one heap: every call passes the swap gate and the heap's lock. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    @Threads(2)
    public long pairTwoThreads(Shared p, Cursor c) {
        long size = SIZES[c.next++ % SIZES.length];
        long address = p.heap.kmalloc(size, 0);
        p.heap.kfree(address);
        return address;
    }

    /** The swap pause as a function of how many blocks the heap holds. */
    @State(Scope.Thread)
    public static class Swap {
        @Param({"1000", "10000", "100000"})
        int liveBlocks;

        KernelHeapService heap;
        boolean toTlsf;

        @Setup(Level.Trial)
        public void setUp() {
            heap = boot();
            populate(heap, liveBlocks, new Random(2));
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 10)
    @Measurement(iterations = 20)
    public long swap(Swap s) {
        s.toTlsf = !s.toTlsf;
        s.heap.useStrategy(s.toTlsf ? "tlsf" : "best-fit");
        return s.heap.lastSwap().pauseNanos();
    }
}
