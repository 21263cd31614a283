package org.clkernel.machine;

/**
 * TLB invalidations that other threads asked a context for (a TLB shootdown, which an IPI carries
 * on a multiprocessor), waiting until the context's own thread applies them before its next
 * translation. The TLB arrays belong to the owning thread alone; this queue is the only way other
 * threads touch them.
 *
 * <p>{@link #pending} is set, under the lock, whenever the queue is not empty, and cleared only by
 * {@link #drain}; the owner reads it without the lock on every access. Past {@link #CAPACITY}
 * pages the queue degrades to one whole flush, as Linux flushes everything past a threshold.
 */
final class PendingInvalidations {
    static final int CAPACITY = 32;

    /** Linear page addresses to drop; {@code count} of them are valid. Guarded by this. */
    private final int[] pages = new int[CAPACITY];
    private int count;
    private boolean flushAll;
    volatile boolean pending;

    synchronized void invalidate(int linear) {
        if (count < CAPACITY) {
            pages[count++] = linear;
        } else {
            flushAll = true;
        }
        pending = true;
    }

    synchronized void flush() {
        flushAll = true;
        pending = true;
    }

    /** Applies every waiting invalidation to the TLB and empties the queue. @return the pages dropped one by one, or -1 for a whole flush */
    synchronized int drain(Tlb tlb) {
        int dropped;
        if (flushAll) {
            tlb.flushAll();
            dropped = -1;
        } else {
            for (int i = 0; i < count; i++) {
                tlb.invalidate(pages[i]);
            }
            dropped = count;
        }
        count = 0;
        flushAll = false;
        pending = false;
        return dropped;
    }
}
