package org.clkernel.replacement.twoq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.Collectors;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link TwoQueuePolicy} against {@link ReferenceTwoQueue} on random workloads with host removals:
 * the same hit, free frame or victim at every step; after every step the same eviction order,
 * which holds exactly the resident pages, never more than {@code frames} of them, and the check of
 * the queues and bounds passes.
 */
class TwoQueuePolicyPropertiesTest {

    @Property(tries = 1000)
    void agreesWithTheSlowReferenceAtEveryStep(@ForAll("runs") Run run) {
        TwoQueuePolicy policy = new TwoQueuePolicy();
        TestHost host = new TestHost(policy, run.frames(), false, run.references());
        ReferenceTwoQueue reference = new ReferenceTwoQueue(run.frames());
        for (long step : run.steps()) {
            if (step >= 0) {
                long expected = reference.request(step);
                assertEquals(expected, host.step(), "victim (or -1 free frame, -2 hit) for page " + step + " at " + (host.position() - 1));
            } else {
                long removed = host.removeResident(Run.removalIndex(step));
                if (removed >= 0) {
                    reference.remove(removed);
                }
            }
            long[] order = policy.evictionOrder();
            assertEquals(reference.order(), Arrays.stream(order).boxed().collect(Collectors.toList()), "eviction order");
            assertEquals(reference.resident(), host.resident(), "resident set");
            assertEquals(host.resident(), Arrays.stream(order).boxed().collect(Collectors.toSet()), "eviction order vs resident set");
            assertEquals(host.resident().size(), policy.resident(), "resident()");
            assertTrue(policy.resident() <= run.frames(), "at most frames resident");
            assertNull(policy.check());
        }
    }

    @Provide
    Arbitrary<Run> runs() {
        return Run.runs();
    }
}
