package org.clkernel.replacement.lirs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.Collectors;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link LirsPolicy} against {@link ReferenceLirs} on random workloads with host removals: the
 * same hit, free frame or victim at every step; after every step the same eviction order, which
 * holds exactly the resident blocks, never more than {@code frames} of them, and the check of the
 * lists and invariants passes.
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
        TestHost host = new TestHost(policy, run.frames(), false, run.references());
        ReferenceLirs reference = new ReferenceLirs(run.frames(), hirDivisor);
        for (long step : run.steps()) {
            if (step >= 0) {
                long expected = reference.request(step);
                assertEquals(expected, host.step(), "victim (or -1 free frame, -2 hit) for block " + step + " at " + (host.position() - 1));
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
