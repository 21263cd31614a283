package org.clkernel.itests;

import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

import org.clkernel.api.slab.SlabAllocator;
import org.clkernel.api.slab.SlabCache;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Objects of named slab caches for a {@link HeapWorker}, from whichever {@link SlabAllocator}
 * service is current. When the instance in use has stopped (its bundle was stopped or updated), or
 * there is no service, it waits for the next instance and retries the same step with that
 * instance's cache of the same name: a refused call changed nothing, and the new instance
 * re-attaches to the RAM state, so the objects held stay valid.
 *
 * <p>One per worker: its state belongs to the worker's thread.
 */
final class SlabObjects implements HeapWorker.Allocator {
    /** The message every call on an instance that has stopped throws with. */
    static final String STOPPED = "has stopped";

    private final ServiceTracker<SlabAllocator, SlabAllocator> tracker;
    private final List<String> caches;
    private final AtomicLong stoppedInstancesMet = new AtomicLong();
    private SlabAllocator slab;
    /** The last instance found stopped: the next one must be another. */
    private SlabAllocator stopped;

    SlabObjects(ServiceTracker<SlabAllocator, SlabAllocator> tracker, List<String> caches) {
        this.tracker = tracker;
        this.caches = List.copyOf(caches);
    }

    /** How often a call met an instance that had stopped, and went on with the next. */
    long stoppedInstancesMet() {
        return stoppedInstancesMet.get();
    }

    @Override
    public HeapWorker.Block allocate(Random random, long id) {
        String name = caches.get(random.nextInt(caches.size()));
        int[] size = new int[1];
        long address = retrying(s -> {
            SlabCache c = cache(s, name);
            size[0] = c.objectSize();
            return c.alloc();
        });
        return address == 0 ? null : new HeapWorker.Block(id, address, size[0], name);
    }

    @Override
    public void free(HeapWorker.Block block) {
        retrying(s -> {
            cache(s, block.pool()).free(block.address());
            return 0;
        });
    }

    private static SlabCache cache(SlabAllocator s, String name) {
        return s.cache(name).orElseThrow(() -> new AssertionError("no cache " + name + " in the slab allocator"));
    }

    private long retrying(ToLongFunction<SlabAllocator> step) {
        while (true) {
            SlabAllocator s = current();
            try {
                return step.applyAsLong(s);
            } catch (IllegalStateException e) {
                if (e.getMessage() == null || !e.getMessage().contains(STOPPED)) {
                    throw e;
                }
                stoppedInstancesMet.incrementAndGet();
                stopped = s;
                slab = null;
            }
        }
    }

    /** The instance in use, or the next one the tracker has, waited for (bounded). */
    private SlabAllocator current() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Eventually.TIMEOUT_MS);
        while (slab == null) {
            SlabAllocator s = tracker.getService();
            if (s != null && s != stopped) {
                slab = s;
            } else if (System.nanoTime() > deadline) {
                throw new AssertionError("no SlabAllocator service other than the one that stopped within "
                        + Eventually.TIMEOUT_MS + " ms");
            } else {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for the SlabAllocator service", e);
                }
            }
        }
        return slab;
    }
}
