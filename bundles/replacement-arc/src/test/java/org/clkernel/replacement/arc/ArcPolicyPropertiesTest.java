package org.clkernel.replacement.arc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.clkernel.replacement.support.Lockstep;
import org.clkernel.replacement.support.Run;
import org.clkernel.replacement.support.TestHost;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link ArcPolicy} against {@link ReferenceArc} on random workloads with host removals, in
 * {@link Lockstep}: the same hit, free frame or victim at every step and the same target p, for a
 * host that knows the future and for one that does not, since a miss names its page either way
 * and ARC never asks for the future; after every step the eviction order is REPLACE's with p as it
 * is, and evicting every page at the end takes them in that order.
 */
class ArcPolicyPropertiesTest {

    @Property(tries = 1000)
    void agreesWithThePapersArcAtEveryStepOnAnyHost(@ForAll("runs") Run run, @ForAll boolean hostKnowsFuture) {
        ArcPolicy policy = new ArcPolicy();
        ReferenceArc reference = new ReferenceArc(run.frames());
        TestHost host = Lockstep.play(policy, reference, run, hostKnowsFuture,
                () -> policy.target() != reference.target() ? "target p " + policy.target() + ", the paper's " + reference.target()
                        : policy.check());
        assertEquals(0, host.futureQueries(), "questions about the future");
        Lockstep.assertDrainsInEvictionOrder(policy, host);
    }

    @Provide
    Arbitrary<Run> runs() {
        return Run.runs();
    }
}
