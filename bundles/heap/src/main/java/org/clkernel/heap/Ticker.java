package org.clkernel.heap;

import java.util.function.LongSupplier;

/**
 * The heap's clock for time stamps, after the kernel's jiffies: a thread reads the wall clock
 * every {@value #TICK_MILLIS} ms (Linux's default HZ of 250) and the allocation path reads the
 * last value, a volatile load instead of a clock call on every kmalloc (which cost about an eighth
 * of a kmalloc/kfree pair). Block ages are thus exact to a tick.
 */
final class Ticker implements LongSupplier, AutoCloseable {
    static final long TICK_MILLIS = 4;

    private volatile long now = System.currentTimeMillis();
    private final Thread thread;

    Ticker() {
        thread = new Thread(this::run, "heap clock");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (!Thread.currentThread().isInterrupted()) {
            now = System.currentTimeMillis();
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Wall-clock milliseconds, at most a tick old. */
    @Override
    public long getAsLong() {
        return now;
    }

    /** Stops the thread. */
    @Override
    public void close() {
        thread.interrupt();
    }
}
