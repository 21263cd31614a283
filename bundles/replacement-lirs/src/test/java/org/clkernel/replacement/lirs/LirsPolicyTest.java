package org.clkernel.replacement.lirs;

import static org.clkernel.api.replacement.ReplacementPolicy.NO_PAGE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.LongStream;

import org.clkernel.replacement.support.ComponentDescription;
import org.clkernel.replacement.support.TestHost;
import org.junit.jupiter.api.Test;

/**
 * Named behaviours of LIRS (Jiang and Zhang, SIGMETRICS 2002), each on a tiny replay. With 5
 * frames Lhirs = 1 and Llirs = 4.
 */
class LirsPolicyTest {

    @Test
    void theFirstBlocksFillTheLirSetAndTheNextOnesAreHir() {
        LirsPolicy lirs = new LirsPolicy();
        new TestHost(lirs, 5, false, 1, 2, 3, 4, 5).run();
        for (long b = 1; b <= 4; b++) {
            assertTrue(lirs.isLir(b), "block " + b);
        }
        assertFalse(lirs.isLir(5));
        assertTrue(lirs.inQueue(5));
        assertTrue(lirs.inStack(5));
    }

    @Test
    void theLirSetHoldsOnePercentLessThanTheFrames() {
        LirsPolicy lirs = new LirsPolicy();
        lirs.init(2000, new TestHost(new LirsPolicy(), 1, false));
        assertEquals(1980, lirs.lirLimit());
        lirs.init(150, new TestHost(new LirsPolicy(), 1, false));
        assertEquals(149, lirs.lirLimit(), "at least one HIR frame");
    }

    @Test
    void aHirBlockWithASmallReuseDistanceBecomesLir() {
        LirsPolicy lirs = new LirsPolicy();
        new TestHost(lirs, 5, false, 1, 2, 3, 4, 5, 5).run();
        // 5's IRR (0) is below the recency of the bottom LIR block 1, which takes its place in Q
        assertTrue(lirs.isLir(5));
        assertFalse(lirs.isLir(1));
        assertTrue(lirs.inQueue(1));
        assertFalse(lirs.inStack(1), "pruned: nothing below it is LIR");
    }

    @Test
    void theVictimIsTheFrontOfQAndStaysInTheStackAsNonResident() {
        LirsPolicy lirs = new LirsPolicy();
        TestHost host = new TestHost(lirs, 5, false, 1, 2, 3, 4, 5, 6);
        host.run();
        assertEquals(List.of(5L), host.victims());
        assertTrue(lirs.inStack(5));
        assertFalse(lirs.inQueue(5));
    }

    @Test
    void aNonResidentHirBlockStillInTheStackBecomesLirOnItsNextMiss() {
        LirsPolicy lirs = new LirsPolicy();
        TestHost host = new TestHost(lirs, 5, false, 1, 2, 3, 4, 5, 6, 5);
        host.run();
        assertEquals(List.of(5L, 6L), host.victims());
        assertTrue(lirs.isLir(5));
        assertFalse(lirs.isLir(1), "the bottom LIR block went to Q");
        assertTrue(lirs.inQueue(1));
    }

    @Test
    void stackPruningRemovesHirBlocksBelowTheOldestLirBlock() {
        LirsPolicy lirs = new LirsPolicy();
        // S from the bottom: 1 5 2 3 4; referencing 1 leaves 5 at the bottom, so it is pruned
        new TestHost(lirs, 5, false, 1, 2, 3, 4, 5, 2, 3, 4, 1).run();
        assertFalse(lirs.inStack(5));
        assertTrue(lirs.inQueue(5), "still resident");
        assertNull(lirs.check());
    }

    @Test
    void aResidentHirBlockOutsideTheStackStaysHirWhenReferenced() {
        LirsPolicy lirs = new LirsPolicy();
        new TestHost(lirs, 5, false, 1, 2, 3, 4, 5, 2, 3, 4, 1, 5).run();
        assertFalse(lirs.isLir(5));
        assertTrue(lirs.inStack(5));
        assertTrue(lirs.inQueue(5));
        assertTrue(lirs.isLir(2) && lirs.isLir(3) && lirs.isLir(4) && lirs.isLir(1), "the LIR set is unchanged");
    }

    @Test
    void aOneTimeScanDoesNotEvictTheLirSet() {
        LirsPolicy lirs = new LirsPolicy();
        long[] hotThenScan = LongStream.concat(LongStream.rangeClosed(1, 9), LongStream.range(100, 300)).toArray();
        TestHost host = new TestHost(lirs, 10, false, hotThenScan);
        host.run();
        for (long hot = 1; hot <= 9; hot++) {
            assertTrue(lirs.isLir(hot), "hot block " + hot);
            assertTrue(host.resident().contains(hot));
        }
    }

    @Test
    void theStackKeepsAtMostTwiceTheFramesEntriesForgettingTheLongestNonResident() {
        LirsPolicy lirs = new LirsPolicy();
        // the LIR blocks are never referenced again, so every scanned block stays in S
        new TestHost(lirs, 5, false, LongStream.concat(LongStream.rangeClosed(1, 4), LongStream.range(100, 150)).toArray()).run();
        assertEquals(10, lirs.stackSize());
        assertFalse(lirs.inStack(100));
        assertTrue(lirs.inStack(144), "the newest non-resident entries stay");
        assertNull(lirs.check());
    }

    @Test
    void evictionOrderIsQThenTheLirBlocksFromTheBottomOfTheStack() {
        LirsPolicy lirs = new LirsPolicy();
        new TestHost(lirs, 5, false, 1, 2, 3, 4, 5, 2).run();
        assertArrayEquals(new long[] {5, 1, 3, 4, 2}, lirs.evictionOrder());
    }

    @Test
    void evictCalledAloneEmptiesQFirstThenTheBottomLirBlock() {
        LirsPolicy lirs = new LirsPolicy();
        TestHost host = new TestHost(lirs, 5, false, 1, 2, 3, 4, 5);
        host.run();
        assertEquals(5, host.evict());
        assertEquals(1, host.evict());
        assertEquals(3, lirs.resident());
        assertNull(lirs.check());
    }

    @Test
    void aRemovedBlockIsForgotten() {
        LirsPolicy lirs = new LirsPolicy();
        TestHost host = new TestHost(lirs, 5, false, 1, 2, 3);
        host.run();
        assertEquals(1, host.removeResident(0));
        assertFalse(lirs.inStack(1));
        assertEquals(2, lirs.resident());
        assertNull(lirs.check());
    }

    @Test
    void evictWithNothingResidentIsRefused() {
        LirsPolicy lirs = new LirsPolicy();
        lirs.init(3, new TestHost(new LirsPolicy(), 3, false));
        assertThrows(IllegalStateException.class, () -> lirs.evict(NO_PAGE));
    }

    @Test
    void isRegisteredAsAPrototypeServiceNamedLirsRanked45() {
        ComponentDescription.assertPrototypePolicy(LirsPolicy.class, "lirs", 45);
    }
}
