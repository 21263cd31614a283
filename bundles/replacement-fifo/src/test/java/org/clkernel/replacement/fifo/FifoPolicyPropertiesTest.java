package org.clkernel.replacement.fifo;

import org.clkernel.replacement.support.Lockstep;
import org.clkernel.replacement.support.Run;
import org.clkernel.replacement.support.TestHost;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link FifoPolicy} against {@link ReferenceFifo} on random strings of references and removals,
 * in {@link Lockstep}: the same hit or victim at every step, hence the same misses, and the same
 * eviction order after every step; evicting every page at the end takes them in that order.
 */
class FifoPolicyPropertiesTest {

    @Property(tries = 500)
    void agreesWithAListBasedFifoAtEveryStep(@ForAll("runs") Run run) {
        FifoPolicy policy = new FifoPolicy();
        TestHost host = Lockstep.play(policy, new ReferenceFifo(run.frames()), run, false, policy::check);
        Lockstep.assertDrainsInEvictionOrder(policy, host);
    }

    @Provide
    Arbitrary<Run> runs() {
        return Run.runs();
    }
}
