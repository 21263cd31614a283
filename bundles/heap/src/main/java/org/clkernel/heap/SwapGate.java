package org.clkernel.heap;

import java.util.concurrent.locks.ReentrantReadWriteLock;
/**
 * The gate of the hot swap, after K42: every heap call passes it ({@link #enter}, {@link #exit});
 * a swap closes it, which admits no new call and waits for the calls in flight to finish, then
 * runs with no call in flight and opens it again.
 *
 * <p>A fair lock: once a swap waits, new calls queue behind it, so a steady stream of calls cannot
 * starve it. A call may nest (kcalloc calls kmalloc): the lock is reentrant for the thread that
 * holds it already, also while a swap waits.
 */
final class SwapGate {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);

    /** What a swap measured: the wait for calls in flight, and the whole time calls were held off. */
    record Pause(long quiesceNanos, long pauseNanos) {
    }

    void enter() {
        lock.readLock().lock();
    }

    void exit() {
        lock.readLock().unlock();
    }

    /** Whether this thread is inside a call, where closing the gate would wait for itself. */
    boolean inCall() {
        return lock.getReadHoldCount() > 0;
    }

    /** Runs {@code work} with the gate closed. */
    Pause closed(Runnable work) {
        long requested = System.nanoTime();
        lock.writeLock().lock();
        long quiesced;
        try {
            quiesced = System.nanoTime();
            work.run();
        } finally {
            lock.writeLock().unlock();
        }
        return new Pause(quiesced - requested, System.nanoTime() - requested);
    }
}
