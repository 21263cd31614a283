package org.clkernel.replacement.lirs;

import org.clkernel.replacement.support.Lockstep;
import org.clkernel.replacement.support.Run;
import org.clkernel.replacement.support.TestHost;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link LirsPolicy} against {@link ReferenceLirs} on random workloads with host removals, in
 * {@link Lockstep}: the same hit, free frame or victim at every step and the same eviction order
 * after every step; evicting every block at the end takes them in that order.
 */
class LirsPolicyPropertiesTest {

    /** Lhirs = 1% of the frames: one HIR frame for these small caches. */
    @Property(tries = 1000)
    void agreesWithTheSlowReferenceAtEveryStep(@ForAll("runs") Run run) {
        agreeAtEveryStep(run, 100);
    }

    /** A larger HIR part (a third to a half of the frames), so that the order of Q matters. */
    @Property(tries = 1000)
    void agreesWithTheSlowReferenceWithALargeHirPart(@ForAll("runs") Run run, @ForAll @IntRange(min = 2, max = 3) int hirDivisor) {
        agreeAtEveryStep(run, hirDivisor);
    }

    private static void agreeAtEveryStep(Run run, int hirDivisor) {
        LirsPolicy policy = new LirsPolicy(hirDivisor);
        TestHost host = Lockstep.play(policy, new ReferenceLirs(run.frames(), hirDivisor), run, false, policy::check);
        Lockstep.assertDrainsInEvictionOrder(policy, host);
    }

    @Provide
    Arbitrary<Run> runs() {
        return Run.runs();
    }
}
