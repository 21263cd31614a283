package org.clkernel.replacement.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.clkernel.api.replacement.ReplacementPolicy;

/**
 * A policy and a reference model of it, played side by side on a {@link Run}: the properties every
 * policy module holds its policy to.
 */
public final class Lockstep {

    /** The policy written the slow, obvious way: lists searched linearly, each request seen first. */
    public interface Model {
        /** Serves the reference at this position of the string: {@link TestHost#HIT}, {@link TestHost#NO_EVICTION} or the victim. */
        long reference(int position, long page);

        /** The host took this resident page away. */
        void remove(long page);

        /** The resident pages, first victim first, just after the entry at this position. */
        List<Long> order(int position);
    }

    private Lockstep() {
    }

    /**
     * Plays every entry of the run on a {@link TestHost} of the policy and on the model. Every
     * reference has the model's outcome (hit, free frame or the same victim); after every entry
     * the policy's eviction order is the model's and holds exactly the host's resident pages,
     * {@code resident()} counts them, there are never more than {@code frames}, and {@code check}
     * (the policy's walk of its own structures, and whatever else the policy module compares)
     * returns null.
     *
     * @return the host, at the end of the run
     */
    public static TestHost play(ReplacementPolicy policy, Model model, Run run, boolean knowsFuture, Supplier<String> check) {
        TestHost host = new TestHost(policy, run.frames(), knowsFuture, run.string());
        long[] string = run.string();
        for (int position = 0; position < string.length; position++) {
            if (string[position] >= 0) {
                long expected = model.reference(position, string[position]);
                assertEquals(expected, host.reference(),
                        "hit (-2), free frame (-1) or victim for page " + string[position] + " at position " + position);
            } else {
                long removed = host.remove();
                if (removed >= 0) {
                    model.remove(removed);
                }
            }
            List<Long> order = Arrays.stream(policy.evictionOrder()).boxed().collect(Collectors.toList());
            assertEquals(model.order(position), order, "eviction order after position " + position);
            assertEquals(host.resident(), Set.copyOf(order), "eviction order vs resident set");
            assertEquals(host.resident().size(), policy.resident(), "resident()");
            assertTrue(policy.resident() <= run.frames(), "at most frames resident");
            assertNull(check.get());
        }
        return host;
    }

    /**
     * Evicts every resident page for no miss ({@link ReplacementPolicy#NO_PAGE}): the victims
     * come in the eviction order, as the SPI promises a successor that is seeded from it.
     */
    public static void assertDrainsInEvictionOrder(ReplacementPolicy policy, TestHost host) {
        long[] order = policy.evictionOrder();
        for (int i = 0; i < order.length; i++) {
            assertEquals(order[i], host.evict(), "victim " + i + " of " + Arrays.toString(order));
        }
        assertEquals(0, policy.resident(), "resident() after every page is evicted");
    }
}
