package org.clkernel.replacement.lecar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.clkernel.replacement.support.Lockstep;
import org.clkernel.replacement.support.Run;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link LecarPolicy} against {@link ReferenceLecar} on random strings of references and
 * removals, in {@link Lockstep}, with the same seed: the same hit or victim at every step, the same
 * eviction order after every step, the same LRU weight at the end; evicting every page at the end
 * takes them in that order.
 */
class LecarPolicyPropertiesTest {

    @Property(tries = 500)
    void agreesWithAListBasedLecarAtEveryStep(@ForAll("runs") Run run, @ForAll long seed) {
        LecarPolicy policy = new LecarPolicy(seed);
        ReferenceLecar model = new ReferenceLecar(run.frames(), seed);
        var host = Lockstep.play(policy, model, run, false, policy::check);
        assertEquals(model.lruWeight(), policy.lruWeight());
        Lockstep.assertDrainsInEvictionOrder(policy, host);
    }

    @Provide
    Arbitrary<Run> runs() {
        return Run.runs();
    }
}
