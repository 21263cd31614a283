package org.clkernel.itests;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import org.clkernel.api.heap.KernelHeap;

/**
 * A thread that keeps a set of live heap blocks and churns it: it allocates blocks of random sizes
 * and fills each with its own pattern, and frees random ones after checking their pattern. The
 * choices come from a seeded {@link Random}; what goes wrong is added to the shared problems.
 *
 * <p>The live set belongs to the worker's thread until {@link #stopAndJoin} returns; after that
 * the test reads it to check and free what is left.
 */
final class HeapWorker implements Runnable {
    /** A block the worker holds: its pattern id, address and the size it asked for. */
    record Block(long id, long address, int size) {
    }

    static final int MAX_SIZE = 2000;

    private final KernelHeap heap;
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
        this.heap = heap;
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

    private void allocate() {
        int size = 1 + random.nextInt(MAX_SIZE);
        long address = heap.kmalloc(size, 0);
        if (address == 0) {
            failedAllocations.incrementAndGet();
            return;
        }
        long id = firstId + nextId++;
        bytes.fill(address, size, id);
        live.add(new Block(id, address, size));
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
        heap.kfree(b.address());
    }
}
