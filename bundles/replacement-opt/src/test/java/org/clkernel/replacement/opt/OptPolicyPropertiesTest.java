package org.clkernel.replacement.opt;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.clkernel.replacement.support.Lockstep;
import org.clkernel.replacement.support.Run;
import org.clkernel.replacement.support.TestHost;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link OptPolicy} against {@link ReferenceOpt}, which scans the future at every eviction, on
 * random strings of references and removals, in {@link Lockstep}: the same hit or victim at every
 * step, hence the same misses, and the same eviction order after every step; evicting every page at
 * the end takes them in that order. And no other choice of victims misses less: OPT never misses
 * more than FIFO or LRU on the same string.
 */
class OptPolicyPropertiesTest {

    @Property(tries = 500)
    void agreesWithABruteForceOptAtEveryStep(@ForAll("runs") Run run) {
        OptPolicy policy = new OptPolicy();
        TestHost host = Lockstep.play(policy, new ReferenceOpt(run.frames(), run.string()), run, true, policy::check);
        Lockstep.assertDrainsInEvictionOrder(policy, host);
    }

    @Property(tries = 300)
    void neverMissesMoreThanFifoOrLru(@ForAll("runs") Run run) {
        long[] references = run.references();
        long opt = TestHost.misses(new OptPolicy(), run.frames(), references);
        assertTrue(opt <= queueMisses(run.frames(), references, false), "OPT " + opt + " > FIFO");
        assertTrue(opt <= queueMisses(run.frames(), references, true), "OPT " + opt + " > LRU");
    }

    /** FIFO, or LRU when hits move their page to the back. */
    private static long queueMisses(int frames, long[] references, boolean lru) {
        List<Long> queue = new ArrayList<>();
        long misses = 0;
        for (long page : references) {
            if (queue.contains(page)) {
                if (lru) {
                    queue.remove(page);
                    queue.add(page);
                }
                continue;
            }
            misses++;
            if (queue.size() == frames) {
                queue.remove(0);
            }
            queue.add(page);
        }
        return misses;
    }

    @Provide
    Arbitrary<Run> runs() {
        return Run.runs();
    }
}
