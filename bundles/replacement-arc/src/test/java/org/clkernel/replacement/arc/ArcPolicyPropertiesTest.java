package org.clkernel.replacement.arc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link ArcPolicy} against {@link ReferenceArc} on random workloads with host removals: the same
 * hit, free frame or victim at every step, for a host that knows the future (the paper's ARC) and
 * for one that does not (REPLACE before adaptation); after every step the eviction order holds
 * exactly the resident pages, there are never more than {@code frames} of them, and the check of
 * the lists and bounds passes.
 */
class ArcPolicyPropertiesTest {

    @Property(tries = 1000)
    void agreesWithTheSlowReferenceAtEveryStep(@ForAll("runs") Run run, @ForAll boolean hostKnowsFuture) {
        ArcPolicy policy = new ArcPolicy();
        TestHost host = new TestHost(policy, run.frames(), hostKnowsFuture, run.references());
        ReferenceArc reference = new ReferenceArc(run.frames(), hostKnowsFuture);
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
            assertEquals(reference.resident(), host.resident(), "resident set");
            assertStateIsSound(policy, host.resident(), run.frames());
            assertEquals(reference.target(), policy.target(), "target p");
        }
    }

    @Property(tries = 500)
    void theEvictionOrderStartsWithTheNextVictimOfALiveHost(@ForAll("runs") Run run) {
        ArcPolicy policy = new ArcPolicy();
        long[] references = run.references();
        TestHost host = new TestHost(policy, run.frames(), false, references);
        while (!host.done()) {
            long[] order = policy.evictionOrder();
            long outcome = host.step();
            if (outcome >= 0) {
                assertEquals(order[0], outcome, "first of the eviction order at " + (host.position() - 1));
            }
        }
    }

    static void assertStateIsSound(ArcPolicy policy, Set<Long> resident, int frames) {
        long[] order = policy.evictionOrder();
        assertEquals(order.length, Arrays.stream(order).distinct().count(), "no page twice in the eviction order");
        assertEquals(resident, Arrays.stream(order).boxed().collect(Collectors.toSet()), "eviction order vs resident set");
        assertEquals(resident.size(), policy.resident(), "resident()");
        assertTrue(policy.resident() <= frames, "at most frames resident");
        assertNull(policy.check());
    }

    @Provide
    Arbitrary<Run> runs() {
        return Run.runs();
    }
}
