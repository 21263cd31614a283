package org.clkernel.slab;

import java.util.ArrayDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A cache's depot (Bonwick and Adams, USENIX 2001, section 3.3): full and empty magazines under
 * one lock per cache, which a thread visits only when both of its own magazines are empty (to
 * allocate) or full (to free). Also the register of every thread's {@link CpuCache} for the
 * cache, so that flushes and deactivation reach magazines no matter which thread holds them.
 */
final class Depot {
    final ReentrantLock lock = new ReentrantLock();
    /** Full magazines; guarded by {@link #lock}. */
    final ArrayDeque<Magazine> full = new ArrayDeque<>();
    /** Empty magazines; guarded by {@link #lock}. */
    final ArrayDeque<Magazine> empty = new ArrayDeque<>();
    /** Rounds in the full magazines; guarded by {@link #lock}. */
    long rounds;
    /** Every thread's magazines for this cache; added under the allocator's registry lock. */
    final CopyOnWriteArrayList<CpuCache> cpus = new CopyOnWriteArrayList<>();
}
