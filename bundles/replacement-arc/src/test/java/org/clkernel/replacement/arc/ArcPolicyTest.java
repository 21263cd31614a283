package org.clkernel.replacement.arc;

import static org.clkernel.api.replacement.ReplacementPolicy.NO_PAGE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;

import org.clkernel.replacement.support.ComponentDescription;
import org.clkernel.replacement.support.TestHost;
import org.junit.jupiter.api.Test;

/** Named behaviours of ARC (Megiddo and Modha, FAST 2003), each on a tiny replay. */
class ArcPolicyTest {
    /** c = 2: 1 moves to T2, 2 is evicted from T1 into B1 by 3, then 2 comes back: a hit in B1. */
    private static final long[] GHOST_HIT_IN_B1 = {1, 1, 2, 3, 2};

    @Test
    void aPageReferencedAgainMovesFromT1ToT2() {
        ArcPolicy arc = new ArcPolicy();
        new TestHost(arc, 4, true, 1, 2, 1).run();
        assertEquals("T2", arc.listOf(1));
        assertEquals("T1", arc.listOf(2));
    }

    @Test
    void aGhostHitInB1RaisesTheTarget() {
        ArcPolicy arc = new ArcPolicy();
        TestHost host = new TestHost(arc, 2, true, GHOST_HIT_IN_B1);
        for (int i = 0; i < 4; i++) {
            host.reference();
        }
        assertEquals("B1", arc.listOf(2));
        assertEquals(0.0, arc.target());
        host.reference();
        assertEquals(1.0, arc.target());
        assertEquals("T2", arc.listOf(2));
    }

    @Test
    void aGhostHitInB2LowersTheTarget() {
        ArcPolicy arc = new ArcPolicy();
        TestHost host = new TestHost(arc, 2, true, 1, 1, 2, 3, 2, 1);
        for (int i = 0; i < 5; i++) {
            host.reference();
        }
        assertEquals("B2", arc.listOf(1));
        assertEquals(1.0, arc.target());
        host.reference();
        assertEquals(0.0, arc.target());
        assertEquals("T2", arc.listOf(1));
    }

    @Test
    void aGhostHitInB1RaisesTheTargetByTheRatioOfTheGhostListsWhenB2IsLarger() {
        ArcPolicy arc = new ArcPolicy();
        // c = 4: 1..4 and 5 seen twice; 5 and 6 find T1 empty and push 1 and 2 into B2, 7 pushes
        // 6 into B1; 6 comes back with |B1| = 1, |B2| = 2
        TestHost host = new TestHost(arc, 4, true, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 7, 6);
        host.run();
        assertEquals(2.0, arc.target());
        assertEquals(List.of(1L, 2L, 6L, 3L), host.victims());
    }

    @Test
    void aGhostHitMovesTheTargetBeforeReplaceWithoutTheFuture() {
        ArcPolicy arc = new ArcPolicy();
        TestHost host = new TestHost(arc, 2, false, GHOST_HIT_IN_B1);
        host.run();
        // the miss names 2, a ghost in B1: p becomes 1 before REPLACE, so |T1| = 1 does not exceed
        // it and T2's LRU page leaves
        assertEquals(List.of(2L, 1L), host.victims());
    }

    @Test
    void aGhostHitInB2BreaksATieOfT1AndTheTargetTowardsT1() {
        ArcPolicy arc = new ArcPolicy();
        // c = 3: 2 and 3 come back from B1 (p = 2), pushing 1 from T2 into B2; when 1 comes back p
        // falls to 1 = |T1|, and the hit in B2 sends T1's page 4 away, not T2's page 2
        TestHost host = new TestHost(arc, 3, false, 1, 1, 2, 3, 4, 2, 3, 1);
        host.run();
        assertEquals(List.of(2L, 3L, 1L, 4L), host.victims());
        assertEquals(1.0, arc.target());
    }

    @Test
    void anEvictionForNoMissUsesTheTargetAsItIs() {
        ArcPolicy arc = new ArcPolicy();
        TestHost host = new TestHost(arc, 2, false, 1, 1, 2, 3);
        host.run();
        // T1 = [3], T2 = [1], p = 0: REPLACE takes T1's LRU page, where a miss for the ghost 2 would take 1
        assertEquals(3, host.evict());
        assertEquals(0.0, arc.target());
        assertEquals("B1", arc.listOf(3));
    }

    @Test
    void neverAsksTheHostForTheFuture() {
        ArcPolicy arc = new ArcPolicy();
        Random random = new Random(11);
        TestHost host = new TestHost(arc, 4, true, LongStream.range(0, 2_000).map(i -> random.nextInt(12)).toArray());
        host.run();
        assertEquals(0, host.futureQueries());
    }

    @Test
    void aMissForAResidentPageIsRefused() {
        ArcPolicy arc = new ArcPolicy();
        TestHost.started(arc, 2, 1, 2);
        assertThrows(IllegalStateException.class, () -> arc.evict(1));
    }

    @Test
    void aOneTimeScanDoesNotEvictAFrequentlyUsedSet() {
        ArcPolicy arc = new ArcPolicy();
        long[] hotTwiceThenScan = LongStream.concat(LongStream.of(1, 2, 3, 4, 5, 1, 2, 3, 4, 5), LongStream.range(100, 200)).toArray();
        TestHost host = new TestHost(arc, 10, true, hotTwiceThenScan);
        host.run();
        for (long hot = 1; hot <= 5; hot++) {
            assertEquals("T2", arc.listOf(hot), "hot page " + hot);
        }
    }

    @Test
    void theListsStayWithinTheirBoundsOnALongRun() {
        ArcPolicy arc = new ArcPolicy();
        Random random = new Random(7);
        long[] string = LongStream.range(0, 20_000).map(i -> random.nextInt(4) == 0 ? random.nextInt(200) : random.nextInt(12)).toArray();
        TestHost host = new TestHost(arc, 8, true, string);
        while (!host.done()) {
            host.reference();
            assertTrue(arc.sizeOf("T1") + arc.sizeOf("B1") <= 8, "|L1| <= c");
            assertTrue(arc.sizeOf("T1") + arc.sizeOf("T2") + arc.sizeOf("B1") + arc.sizeOf("B2") <= 16, "|L1| + |L2| <= 2c");
            assertNull(arc.check());
        }
    }

    @Test
    void evictCalledAloneReturnsAResidentPageAndRemembersItAsAGhost() {
        ArcPolicy arc = new ArcPolicy();
        TestHost host = new TestHost(arc, 3, true, 1, 2, 3);
        host.run();
        assertEquals(1, host.evict());
        assertEquals("B1", arc.listOf(1));
        assertEquals(2, arc.resident());
        assertNull(arc.check());
    }

    @Test
    void aRemovedPageIsForgottenNotRemembered() {
        ArcPolicy arc = new ArcPolicy();
        TestHost host = new TestHost(arc, 3, true, 1, 2);
        host.run();
        assertEquals(1, host.removeResident(0));
        assertNull(arc.listOf(1));
        assertEquals(1, arc.resident());
        assertNull(arc.check());
    }

    @Test
    void theEvictionOrderTakesT1WhileItExceedsTheTargetThenT2() {
        ArcPolicy arc = new ArcPolicy();
        new TestHost(arc, 4, true, 1, 1, 2, 2, 3, 4).run();
        // T1 = [3, 4] (LRU first), T2 = [1, 2], p = 0: T1 first, then T2
        assertArrayEquals(new long[] {3, 4, 1, 2}, arc.evictionOrder());
    }

    @Test
    void evictWithNothingResidentIsRefused() {
        ArcPolicy arc = new ArcPolicy();
        arc.init(2, new TestHost(new ArcPolicy(), 2, false));
        assertThrows(IllegalStateException.class, () -> arc.evict(NO_PAGE));
    }

    @Test
    void isRegisteredAsAPrototypeServiceNamedArcRanked50() {
        ComponentDescription.assertPrototypePolicy(ArcPolicy.class, "arc", 50);
    }
}
