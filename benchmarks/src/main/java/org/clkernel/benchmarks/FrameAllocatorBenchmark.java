package org.clkernel.benchmarks;

import java.util.concurrent.TimeUnit;

import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.physical.Gfp;
import org.clkernel.machine.EmulatedMachine;
import org.clkernel.physical.BuddyFrameAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of the buddy frame allocator on a 3 GiB machine (room for 512 blocks of 4 MiB), all
 * state in emulated RAM.
 *
 * <ul>
 * <li>{@code pair}: allocate one block of the order and free it again. Order 0 is served by the
 *     per-CPU cache; a higher order splits a 4 MiB block down and merges it back every time, the
 *     worst case of the buddy system.</li>
 * <li>{@code batch}: allocate 512 blocks of the order, then free them all: the lists fill and
 *     drain, order 0 spills through the cache into the buddy lists.</li>
 * </ul>
 * One thread; the allocator's lock is uncontended.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameAllocatorBenchmark {
    static final int BATCH = 512;

    @Param({"0", "3", "10"})
    int order;

    private FrameAllocator frames;
    private final long[] held = new long[BATCH];

    @Setup
    public void boot() {
        frames = new BuddyFrameAllocator(new EmulatedMachine(3072));
    }

    @Benchmark
    public long pair() {
        long pfn = frames.allocate(order, FrameAllocator.KERNEL, Gfp.NONE);
        frames.free(pfn, order, FrameAllocator.KERNEL);
        return pfn;
    }

    /** Reported per block: one allocation and one free. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long batch() {
        for (int i = 0; i < BATCH; i++) {
            held[i] = frames.allocate(order, FrameAllocator.KERNEL, Gfp.NONE);
        }
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            frames.free(held[i], order, FrameAllocator.KERNEL);
            sum += held[i];
        }
        return sum;
    }
}
