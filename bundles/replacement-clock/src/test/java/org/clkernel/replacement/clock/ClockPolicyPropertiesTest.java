package org.clkernel.replacement.clock;

import org.clkernel.replacement.support.Lockstep;
import org.clkernel.replacement.support.Run;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link ClockPolicy}, reading the host's accessed bits, against {@link ReferenceClock}, which keeps
 * its own referenced bits, on random strings of references and removals, in {@link Lockstep}: the
 * same hit or victim at every step, hence the same misses, and the reference's hand order after
 * every step. (Evicting every page at the end would not follow that order: the hand passes pages
 * whose accessed bits are set, which the order leaves where they stand.)
 */
class ClockPolicyPropertiesTest {

    @Property(tries = 500)
    void agreesWithAListBasedClockAtEveryStep(@ForAll("runs") Run run) {
        ClockPolicy policy = new ClockPolicy();
        Lockstep.play(policy, new ReferenceClock(run.frames()), run, false, policy::check);
    }

    @Provide
    Arbitrary<Run> runs() {
        return Run.runs();
    }
}
