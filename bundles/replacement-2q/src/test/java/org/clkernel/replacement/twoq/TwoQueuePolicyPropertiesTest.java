package org.clkernel.replacement.twoq;

import org.clkernel.replacement.support.Lockstep;
import org.clkernel.replacement.support.Run;
import org.clkernel.replacement.support.TestHost;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link TwoQueuePolicy} against {@link ReferenceTwoQueue} on random workloads with host removals,
 * in {@link Lockstep}: the same hit, free frame or victim at every step and the same eviction order
 * after every step; evicting every page at the end takes them in that order.
 */
class TwoQueuePolicyPropertiesTest {

    @Property(tries = 1000)
    void agreesWithTheSlowReferenceAtEveryStep(@ForAll("runs") Run run) {
        TwoQueuePolicy policy = new TwoQueuePolicy();
        TestHost host = Lockstep.play(policy, new ReferenceTwoQueue(run.frames()), run, false, policy::check);
        Lockstep.assertDrainsInEvictionOrder(policy, host);
    }

    @Provide
    Arbitrary<Run> runs() {
        return Run.runs();
    }
}
