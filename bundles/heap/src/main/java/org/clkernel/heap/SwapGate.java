package org.clkernel.heap;

/**
 * The gate of the hot swap, after K42: every heap call passes it ({@link #enter}) and then runs
 * under the heap's monitor; a swap closes it, so that no new call is admitted, takes the monitor
 * once the call in flight has left it, runs, and opens the gate again.
 *
 * <p>A call that passed the gate just before it closed may still be waiting for the monitor; it
 * runs before or after the swap, which is harmless since every call reads the strategy under the
 * monitor. What the gate guarantees is that the swap waits for at most those few calls, one per
 * thread, however steady the stream of new ones. Passing an open gate costs one volatile read.
 */
final class SwapGate {
    private final Object heap;
    private final Object door = new Object();
    private volatile boolean closed;

    /** What a swap measured: the wait for the call in flight, and the whole time calls were held off. */
    record Pause(long quiesceNanos, long pauseNanos) {
    }

    /** @param heap the monitor every heap call holds */
    SwapGate(Object heap) {
        this.heap = heap;
    }

    /** Waits while a swap holds the gate closed. */
    void enter() {
        if (closed) {
            waitOpen();
        }
    }

    private void waitOpen() {
        boolean interrupted = false;
        synchronized (door) {
            while (closed) {
                try {
                    door.wait();
                } catch (InterruptedException e) {
                    interrupted = true; // a heap call is not interruptible; the flag is kept
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether this thread is inside a heap call, where closing the gate would wait for itself. */
    boolean inCall() {
        return Thread.holdsLock(heap);
    }

    /** Runs {@code work} with the gate closed and the heap's monitor held; one swap at a time. */
    Pause closed(Runnable work) {
        long requested = System.nanoTime();
        synchronized (door) {
            waitWhileClosed();
            closed = true;
        }
        long quiesced;
        try {
            synchronized (heap) {
                quiesced = System.nanoTime();
                work.run();
            }
        } finally {
            synchronized (door) {
                closed = false;
                door.notifyAll();
            }
        }
        return new Pause(quiesced - requested, System.nanoTime() - requested);
    }

    /** Another swap holds the gate: wait for it (called holding {@code door}). */
    private void waitWhileClosed() {
        boolean interrupted = false;
        while (closed) {
            try {
                door.wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
