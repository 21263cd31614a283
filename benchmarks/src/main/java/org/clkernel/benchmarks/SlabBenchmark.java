package org.clkernel.benchmarks;

import java.util.concurrent.TimeUnit;

import org.clkernel.api.slab.SlabCache;
import org.clkernel.heap.KernelHeapService;
import org.clkernel.paging.space.VirtualMemoryService;
import org.clkernel.machine.EmulatedMachine;
import org.clkernel.physical.BuddyFrameAllocator;
import org.clkernel.slab.SlabService;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * 64-byte allocation and free pairs, one operation = one alloc and one free.
 *
 * <ul>
 * <li>{@code cachePair}: the slab allocator's {@code kmalloc-64} cache on one thread (a 128 MiB
 *     machine), through its magazines;</li>
 * <li>{@code cachePairTwoThreads}: the same cache shared by two threads;</li>
 * <li>{@code heapPair}: the kernel heap's {@code kmalloc(64)}/{@code kfree} on one thread, booted
 *     as {@link HeapBenchmark} boots it (TLSF, the best-ranked, and the default checks), for the
 *     ratio;</li>
 * <li>{@code kmallocPair}: the kernel heap's {@code kmalloc(64)}/{@code kfree} with a slab allocator
 *     bound, so that the size class serves: what a kernel caller gets.</li>
 * </ul>
 * Each trial ends with the integrity checks of the structure it used.
 */
@Fork(1)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SlabBenchmark {

    /** A slab allocator on its own machine, shared by the benchmark's threads. */
    @State(Scope.Benchmark)
    public static class Slab {
        SlabService slab;
        SlabCache cache;

        @Setup(Level.Trial)
        public void setUp() {
            // slabs must lie in the 256 MiB direct map; on a larger machine the frame allocator may hand out frames above it
            EmulatedMachine machine = new EmulatedMachine(128);
            slab = new SlabService(machine, new BuddyFrameAllocator(machine));
            cache = slab.cache("kmalloc-64").orElseThrow();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (!slab.check().isOk() || cache.stats().activeObjs() != 0) {
                throw new IllegalStateException("slab allocator broken after the run: " + slab.check());
            }
        }
    }

    @Benchmark
    public long cachePair(Slab s) {
        long a = s.cache.alloc();
        s.cache.free(a);
        return a;
    }

    @Benchmark
    @Threads(2)
    public long cachePairTwoThreads(Slab s) {
        long a = s.cache.alloc();
        s.cache.free(a);
        return a;
    }

    /** The kernel heap with the default strategy and checks. */
    @State(Scope.Thread)
    public static class Heap {
        KernelHeapService heap;

        @Setup(Level.Trial)
        public void setUp() {
            heap = HeapBenchmark.boot();
        }
    }

    /** The kernel heap and the slab allocator on one machine, the heap using the slab's size classes. */
    @State(Scope.Thread)
    public static class HeapWithSlab {
        KernelHeapService heap;
        SlabService slab;

        @Setup(Level.Trial)
        public void setUp() {
            EmulatedMachine machine = new EmulatedMachine(128);
            BuddyFrameAllocator frames = new BuddyFrameAllocator(machine);
            heap = new KernelHeapService(machine, frames, new VirtualMemoryService(machine, frames), java.util.Map.of());
            slab = new SlabService(machine, frames);
            heap.setSlab(slab);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (!slab.check().isOk() || !heap.check().isOk() || heap.stats().blocks() != 0) {
                throw new IllegalStateException("broken after the run: " + slab.check() + ", " + heap.check());
            }
        }
    }

    @Benchmark
    public long kmallocPair(HeapWithSlab h) {
        long a = h.heap.kmalloc(64, 0);
        h.heap.kfree(a);
        return a;
    }

    @Benchmark
    public long heapPair(Heap h) {
        long a = h.heap.kmalloc(64, 0);
        h.heap.kfree(a);
        return a;
    }
}
