package org.clkernel.replacement.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.clkernel.replacement.opt.Runs.Run;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link OptPolicy} against {@link ReferenceOpt}, which scans the future at every eviction, on
 * random strings of references and removals: the same hit or victim at every step, hence the same
 * misses; after every step the eviction order is the reference's, holds exactly the resident
 * pages, and the heap's check passes. And no other choice of victims misses less: OPT never misses
 * more than FIFO or LRU on the same string.
 */
class OptPolicyPropertiesTest {

    @Property(tries = 500)
    void agreesWithABruteForceOptAtEveryStep(@ForAll("runs") Run run) {
        OptPolicy policy = new OptPolicy();
        TestHost host = new TestHost(policy, run.frames(), true, run.string());
        ReferenceOpt reference = new ReferenceOpt(run.frames(), run.string());
        long[] string = run.string();
        for (int position = 0; position < string.length; position++) {
            if (string[position] >= 0) {
                long expected = reference.reference(position);
                assertEquals(expected, host.reference(), "hit (-2), free frame (-1) or victim at position " + position);
            } else {
                long removed = host.removeResident(Runs.pick(string[position]));
                if (removed >= 0) {
                    reference.remove(removed);
                }
            }
            assertStateMatches(policy, host.resident(), reference.order(position));
        }
    }

    @Property(tries = 300)
    void neverMissesMoreThanFifoOrLru(@ForAll("runs") Run run) {
        long[] references = Arrays.stream(run.string()).filter(p -> p >= 0).toArray();
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

    private static void assertStateMatches(OptPolicy policy, Set<Long> resident, List<Long> expectedOrder) {
        long[] order = policy.evictionOrder();
        assertEquals(expectedOrder, Arrays.stream(order).boxed().collect(Collectors.toList()), "eviction order");
        assertEquals(resident, Arrays.stream(order).boxed().collect(Collectors.toSet()), "eviction order vs resident set");
        assertEquals(resident.size(), policy.resident(), "resident()");
        assertNull(policy.check());
    }

    @Provide
    Arbitrary<Run> runs() {
        return Runs.runs();
    }
}
