package org.clkernel.replacement.twoq;

import static org.clkernel.api.replacement.ReplacementPolicy.NO_PAGE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.clkernel.replacement.support.ComponentDescription;
import org.clkernel.replacement.support.TestHost;
import org.junit.jupiter.api.Test;

/**
 * Named behaviours of full 2Q (Johnson and Shasha, VLDB 1994), each on a tiny replay. With 8 frames
 * Kin = 2 and Kout = 4; with 4 frames Kin = 1 and Kout = 2.
 */
class TwoQueuePolicyTest {

    @Test
    void theQueuesAreSizedAQuarterAndAHalfOfTheFrames() {
        TwoQueuePolicy twoQ = new TwoQueuePolicy();
        twoQ.init(2000, new TestHost(new TwoQueuePolicy(), 1, false));
        assertEquals(500, twoQ.kin());
        assertEquals(1000, twoQ.kout());
    }

    @Test
    void aPageReferencedOnceStaysInA1in() {
        TwoQueuePolicy twoQ = new TwoQueuePolicy();
        new TestHost(twoQ, 8, false, 1, 2).run();
        assertEquals("A1in", twoQ.queueOf(1));
    }

    @Test
    void aReReferenceWhileInA1inIsCorrelatedAndDoesNotPromote() {
        TwoQueuePolicy twoQ = new TwoQueuePolicy();
        new TestHost(twoQ, 8, false, 1, 2, 1, 1).run();
        assertEquals("A1in", twoQ.queueOf(1));
        assertArrayEquals(new long[] {1, 2}, twoQ.evictionOrder(), "A1in stays in arrival order");
    }

    @Test
    void aPageLeavingA1inIsRememberedInA1out() {
        TwoQueuePolicy twoQ = new TwoQueuePolicy();
        TestHost host = new TestHost(twoQ, 8, false, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        host.run();
        assertEquals(List.of(1L), host.victims());
        assertEquals("A1out", twoQ.queueOf(1));
    }

    @Test
    void aReReferenceFromA1outGoesToAm() {
        TwoQueuePolicy twoQ = new TwoQueuePolicy();
        new TestHost(twoQ, 8, false, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1).run();
        assertEquals("Am", twoQ.queueOf(1));
    }

    @Test
    void a1outKeepsOnlyKoutIdentifiers() {
        TwoQueuePolicy twoQ = new TwoQueuePolicy();
        new TestHost(twoQ, 8, false, LongStream.rangeClosed(1, 14).toArray()).run();
        assertNull(twoQ.queueOf(1));
        assertNull(twoQ.queueOf(2));
        for (long page = 3; page <= 6; page++) {
            assertEquals("A1out", twoQ.queueOf(page), "page " + page);
        }
    }

    @Test
    void theOldestIdentifierInA1outIsStillFoundByItsOwnMiss() {
        TwoQueuePolicy twoQ = new TwoQueuePolicy();
        // A1out = [3 4 5 6] is full; 3's miss evicts 7 into A1out, yet 3 was in A1out first
        new TestHost(twoQ, 8, false, LongStream.concat(LongStream.rangeClosed(1, 14), LongStream.of(3)).toArray()).run();
        assertEquals("Am", twoQ.queueOf(3));
        assertEquals("A1out", twoQ.queueOf(7));
    }

    @Test
    void aPromotedPageLeavesA1outBeforeA1outIsCutBackToKout() {
        TwoQueuePolicy twoQ = new TwoQueuePolicy();
        // A1out = [3 4 5 6]; 5 comes back and 7 goes out: 5's slot makes room for 7, 3 stays
        new TestHost(twoQ, 8, false, LongStream.concat(LongStream.rangeClosed(1, 14), LongStream.of(5)).toArray()).run();
        assertEquals("Am", twoQ.queueOf(5));
        assertEquals("A1out", twoQ.queueOf(3));
        assertEquals("A1out", twoQ.queueOf(7));
    }

    @Test
    void aPageEvictedFromAmIsForgotten() {
        TwoQueuePolicy twoQ = new TwoQueuePolicy();
        TestHost host = new TestHost(twoQ, 4, false, 1, 2, 3, 4, 5, 1, 2, 3, 4);
        host.run();
        // 1, 2, 3 came back from A1out into Am; when 4 comes back A1in holds only Kin = 1 page
        assertEquals(List.of(1L, 2L, 3L, 4L, 1L), host.victims());
        assertNull(twoQ.queueOf(1));
    }

    @Test
    void aOneTimeScanDoesNotEvictTheHotPagesInAm() {
        TwoQueuePolicy twoQ = new TwoQueuePolicy();
        long[] string = Stream.of(
                LongStream.rangeClosed(1, 4),
                LongStream.rangeClosed(10, 17),
                LongStream.rangeClosed(1, 4),
                LongStream.range(100, 200)).flatMapToLong(s -> s).toArray();
        TestHost host = new TestHost(twoQ, 8, false, string);
        host.run();
        for (long hot = 1; hot <= 4; hot++) {
            assertEquals("Am", twoQ.queueOf(hot), "hot page " + hot);
            assertTrue(host.resident().contains(hot));
        }
    }

    @Test
    void evictionOrderIsA1inBeyondKinThenAmThenTheRestOfA1in() {
        TwoQueuePolicy twoQ = new TwoQueuePolicy();
        new TestHost(twoQ, 4, false, 1, 2, 3, 4, 5, 1, 2, 3).run();
        // Am = [1 2 3] (LRU first), A1in = [5] = Kin
        assertArrayEquals(new long[] {1, 2, 3, 5}, twoQ.evictionOrder());
    }

    @Test
    void evictCalledAloneReturnsAResidentPage() {
        TwoQueuePolicy twoQ = new TwoQueuePolicy();
        TestHost host = new TestHost(twoQ, 8, false, 1, 2, 3);
        host.run();
        assertEquals(1, host.evict());
        assertEquals("A1out", twoQ.queueOf(1));
        assertFalse(host.resident().contains(1L));
        assertNull(twoQ.check());
    }

    @Test
    void aRemovedPageIsForgotten() {
        TwoQueuePolicy twoQ = new TwoQueuePolicy();
        TestHost host = new TestHost(twoQ, 8, false, 1, 2);
        host.run();
        assertEquals(1, host.removeResident(0));
        assertNull(twoQ.queueOf(1));
        assertNull(twoQ.check());
    }

    @Test
    void evictWithNothingResidentIsRefused() {
        TwoQueuePolicy twoQ = new TwoQueuePolicy();
        twoQ.init(4, new TestHost(new TwoQueuePolicy(), 4, false));
        assertThrows(IllegalStateException.class, () -> twoQ.evict(NO_PAGE));
    }

    @Test
    void isRegisteredAsAPrototypeServiceNamedTwoQueueRanked40() {
        ComponentDescription.assertPrototypePolicy(TwoQueuePolicy.class, "2q", 40);
    }
}
