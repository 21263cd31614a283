package org.clkernel.itests;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.clkernel.api.heap.KernelHeap;

/**
 * A thread that keeps a set of live blocks and churns it: it allocates blocks and fills each with
 * its own pattern, and frees random ones after checking their pattern. The blocks come from an
 * {@link Allocator}: the kernel heap (random sizes) or another allocator such as the slab caches.
 * The choices come from a seeded {@link Random}; what goes wrong is added to the shared problems.
 *
 * <p>The live set belongs to the worker's thread until {@link #stopAndJoin} returns; after that
 * the test reads it to check and free what is left.
 */
final class HeapWorker implements Runnable {
    /**
     * A block the worker holds: its pattern id, address, the size it asked for, and the pool it
     * came from (a slab cache's name; empty for the heap).
     */
    record Block(long id, long address, int size, String pool) {
    }

    /** Where a worker's blocks come from; called on the worker's thread only. */
    interface Allocator {
        /** A new block with pattern id {@code id} (not yet filled), or null when no memory is left. */
        Block allocate(Random random, long id);

        void free(Block block);
    }

    static final int MAX_SIZE = 2000;

    private final Allocator allocator;
    private final KernelBytes bytes;
    private final Random random;
    private final int maxLive;
    private final long firstId;
    private final Queue<String> problems;
    private final List<Block> live = new ArrayList<>();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicLong failedAllocations = new AtomicLong();
    private final Thread thread;
    private volatile boolean stop;
    private long nextId;

    HeapWorker(String name, KernelHeap heap, KernelBytes bytes, long seed, int maxLive, Queue<String> problems) {
        this(name, kmalloc(heap), bytes, seed, maxLive, problems);
    }

    HeapWorker(String name, Allocator allocator, KernelBytes bytes, long seed, int maxLive, Queue<String> problems) {
        this.allocator = allocator;
        this.bytes = bytes;
        this.random = new Random(seed);
        this.maxLive = maxLive;
        this.firstId = seed << 32;
        this.problems = problems;
        this.thread = new Thread(this, name);
    }

    void start() {
        thread.start();
    }

    /** Allocations and frees done so far. */
    long operations() {
        return operations.get();
    }

    long failedAllocations() {
        return failedAllocations.get();
    }

    boolean isAlive() {
        return thread.isAlive();
    }

    /** Stops the worker and waits for it; then {@link #live()} is safe to read. */
    void stopAndJoin() throws InterruptedException {
        stop = true;
        thread.join(Eventually.TIMEOUT_MS);
        if (thread.isAlive()) {
            throw new AssertionError(thread.getName() + " did not stop within " + Eventually.TIMEOUT_MS + " ms");
        }
    }

    List<Block> live() {
        return live;
    }

    @Override
    public void run() {
        try {
            while (!stop) {
                boolean allocate = live.isEmpty() || live.size() < maxLive && random.nextInt(100) < 55;
                if (allocate) {
                    allocate();
                } else {
                    freeOne();
                }
                operations.incrementAndGet();
            }
        } catch (Throwable t) {
            problems.add(thread.getName() + ": " + t);
        }
    }

    /** Blocks of 1 to {@link #MAX_SIZE} bytes from kmalloc, freed with kfree. */
    static Allocator kmalloc(KernelHeap heap) {
        return new Allocator() {
            @Override
            public Block allocate(Random random, long id) {
                int size = 1 + random.nextInt(MAX_SIZE);
                long address = heap.kmalloc(size, 0);
                return address == 0 ? null : new Block(id, address, size, "");
            }

            @Override
            public void free(Block block) {
                heap.kfree(block.address());
            }
        };
    }

    private void allocate() {
        long id = firstId + nextId;
        Block b = allocator.allocate(random, id);
        if (b == null) {
            failedAllocations.incrementAndGet();
            return;
        }
        nextId++;
        bytes.fill(b.address(), b.size(), id);
        live.add(b);
    }

    private void freeOne() {
        int i = random.nextInt(live.size());
        Block b = live.get(i);
        live.set(i, live.get(live.size() - 1));
        live.remove(live.size() - 1);
        int bad = bytes.mismatch(b.address(), b.size(), b.id());
        if (bad >= 0) {
            problems.add(String.format("%s: block 0x%x of %d bytes differs from its pattern at offset %d before its free",
                    thread.getName(), b.address(), b.size(), bad));
        }
        allocator.free(b);
    }

    // ---- a group of workers -------------------------------------------------------------------

    /**
     * Waits, spinning, until the workers made a few more calls: each swap or bundle change then
     * happens between calls of the load, not while it is idle. Fails when a worker died.
     */
    static void awaitProgress(List<HeapWorker> workers, Queue<String> problems) {
        long target = operations(workers) + 4;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Eventually.TIMEOUT_MS);
        while (operations(workers) < target) {
            if (workers.stream().anyMatch(w -> !w.isAlive())) {
                throw new AssertionError("a worker stopped: " + problems);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the workers made no progress within " + Eventually.TIMEOUT_MS + " ms");
            }
            Thread.yield();
        }
    }

    static long operations(List<HeapWorker> workers) {
        return workers.stream().mapToLong(HeapWorker::operations).sum();
    }

    static void stopAll(List<HeapWorker> workers) throws InterruptedException {
        for (HeapWorker w : workers) {
            w.stopAndJoin();
        }
    }
}
