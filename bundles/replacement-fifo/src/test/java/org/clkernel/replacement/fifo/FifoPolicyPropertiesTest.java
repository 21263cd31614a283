package org.clkernel.replacement.fifo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.clkernel.replacement.fifo.Runs.Run;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link FifoPolicy} against {@link ReferenceFifo} on random strings of references and removals:
 * the same hit or victim at every step, hence the same misses; after every step the eviction
 * order is the reference's, holds exactly the resident pages, and the queue's check passes.
 */
class FifoPolicyPropertiesTest {

    @Property(tries = 500)
    void agreesWithAListBasedFifoAtEveryStep(@ForAll("runs") Run run) {
        FifoPolicy policy = new FifoPolicy();
        TestHost host = new TestHost(policy, run.frames(), true, run.string());
        ReferenceFifo reference = new ReferenceFifo(run.frames());
        for (long entry : run.string()) {
            if (entry >= 0) {
                long expected = reference.reference(entry);
                assertEquals(expected, host.reference(), "hit (-2), free frame (-1) or victim at position " + host.position());
            } else {
                long removed = host.removeResident(Runs.pick(entry));
                if (removed >= 0) {
                    reference.remove(removed);
                }
            }
            assertStateMatches(policy, host.resident(), reference.order());
        }
    }

    private static void assertStateMatches(FifoPolicy policy, Set<Long> resident, List<Long> expectedOrder) {
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
