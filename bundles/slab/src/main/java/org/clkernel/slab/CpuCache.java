package org.clkernel.slab;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One thread's magazines for one cache: the stand-in for Bonwick and Adams' per-CPU cache
 * (USENIX 2001, section 3.2), with its loaded and previous magazine. The previous magazine is
 * always null, empty or full; the loaded one may hold any number of rounds.
 *
 * <p>Its own small lock is taken by the owning thread on every allocation and free, as the per-CPU
 * lock is in the paper, so it is almost never contended: only the allocator's flushes (reap,
 * check, stats, deactivation) take it from another thread, and a flush from inside the
 * allocator's lock only tries it. Lock order: a CpuCache, then the allocator's lock, then a
 * depot's lock.
 */
final class CpuCache {
    private static final VarHandle HELD;

    static {
        try {
            HELD = MethodHandles.lookup().findVarHandle(CpuCache.class, "held", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused")
    private volatile int held;
    Magazine loaded;
    Magazine previous;
    /** Set when the allocator instance has gone: its magazines were drained and it takes no more. */
    boolean dead;
    /** A buffer one object long to inspect an object's poison without the allocator's lock. */
    final byte[] scratch;

    CpuCache(int objectSize) {
        scratch = new byte[objectSize];
    }

    boolean tryLock() {
        return HELD.compareAndSet(this, 0, 1);
    }

    void lock() {
        while (!tryLock()) {
            Thread.yield();
        }
    }

    void unlock() {
        HELD.setRelease(this, 0);
    }

    /** Rounds in both magazines; the caller holds the lock. */
    int rounds() {
        return (loaded == null ? 0 : loaded.count) + (previous == null ? 0 : previous.count);
    }
}
