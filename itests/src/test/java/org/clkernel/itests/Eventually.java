package org.clkernel.itests;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Bounded waits for effects that arrive on another thread (DS activations, Config Admin updates):
 * poll every 10 ms, fail after {@link #TIMEOUT_MS} with what was awaited.
 */
final class Eventually {
    static final long TIMEOUT_MS = 10_000;

    private Eventually() {
    }

    static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + TIMEOUT_MS + " ms: " + what);
            }
            Thread.sleep(10);
        }
    }

    /** The tracked service, once it is another registration than {@code oldServiceId} (-1: any). */
    static <S> S awaitServiceOtherThan(ServiceTracker<S, S> tracker, long oldServiceId, String what)
            throws InterruptedException {
        awaitTrue(what, () -> {
            ServiceReference<S> ref = tracker.getServiceReference();
            return ref != null && serviceId(ref) != oldServiceId && tracker.getService(ref) != null;
        });
        return tracker.getService(tracker.getServiceReference());
    }

    static long serviceId(ServiceReference<?> ref) {
        return (Long) ref.getProperty(Constants.SERVICE_ID);
    }
}
