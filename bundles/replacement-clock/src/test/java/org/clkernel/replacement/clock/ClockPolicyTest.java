package org.clkernel.replacement.clock;

import static org.clkernel.api.replacement.ReplacementPolicy.NO_PAGE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.clkernel.api.replacement.PolicyHost;
import org.clkernel.replacement.support.ComponentDescription;
import org.clkernel.replacement.support.TestHost;
import org.junit.jupiter.api.Test;

class ClockPolicyTest {
    private static final long[] CLASSIC = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};

    @Test
    void classicStringMisses10With3FramesAnd8With4() {
        assertEquals(10, TestHost.misses(new ClockPolicy(), 3, CLASSIC));
        assertEquals(8, TestHost.misses(new ClockPolicy(), 4, CLASSIC));
    }

    @Test
    void aPageWithItsAccessedBitSetGetsASecondChance() {
        ClockPolicy clock = new ClockPolicy();
        TestHost host = TestHost.started(clock, 3, 10, 20, 30);
        host.touch(10);
        assertEquals(20, clock.evict(NO_PAGE));
        assertFalse(host.testAndClearAccessed(10), "the hand clears the bit it passes");
        assertArrayEquals(new long[] {30, 10}, clock.evictionOrder());
    }

    @Test
    void whenEveryBitIsSetTheHandClearsThemAllAndEvictsTheOldest() {
        ClockPolicy clock = new ClockPolicy();
        TestHost host = TestHost.started(clock, 3, 1, 2, 3);
        host.touch(1);
        host.touch(2);
        host.touch(3);
        assertEquals(1, clock.evict(NO_PAGE));
        assertFalse(host.testAndClearAccessed(2));
        assertFalse(host.testAndClearAccessed(3));
        assertArrayEquals(new long[] {2, 3}, clock.evictionOrder());
    }

    @Test
    void referencedAloneSavesNoPageTheAccessedBitIsTheOnlySignal() {
        ClockPolicy clock = new ClockPolicy();
        TestHost.started(clock, 2, 1, 2);
        clock.referenced(1);
        assertEquals(1, clock.evict(NO_PAGE));
    }

    @Test
    void aNewPageStandsJustBehindTheHand() {
        ClockPolicy clock = new ClockPolicy();
        TestHost host = TestHost.started(clock, 3, 1, 2, 3);
        host.touch(1);
        assertEquals(2, clock.evict(NO_PAGE)); // the hand passed 1, now stands at 3
        clock.admitted(4);
        assertArrayEquals(new long[] {3, 1, 4}, clock.evictionOrder());
        assertNull(clock.check());
    }

    @Test
    void aHandThatFindsEveryBitSetAgainStillEvictsAfterTwoTurns() {
        ClockPolicy clock = new ClockPolicy();
        clock.init(3, new PolicyHost() { // accesses on other CPUs set every bit again at once
            @Override
            public boolean testAndClearAccessed(long page) {
                return true;
            }

            @Override
            public boolean knowsFuture() {
                return false;
            }

            @Override
            public long nextUse(long page) {
                throw new UnsupportedOperationException();
            }
        });
        clock.admitted(1);
        clock.admitted(2);
        clock.admitted(3);
        assertEquals(1, clock.evict(NO_PAGE));
        assertEquals(2, clock.resident());
    }

    @Test
    void aRemovedPageLeavesTheRing() {
        ClockPolicy clock = new ClockPolicy();
        TestHost.started(clock, 3, 7, 8, 9);
        clock.removed(8);
        assertArrayEquals(new long[] {7, 9}, clock.evictionOrder());
        assertNull(clock.check());
    }

    @Test
    void callsOutsideTheContractAreRefusedWithTheirReason() {
        ClockPolicy clock = new ClockPolicy();
        TestHost.started(clock, 1, 5);
        assertTrue(assertThrows(IllegalStateException.class, () -> clock.admitted(5)).getMessage().contains("already resident"));
        assertTrue(assertThrows(IllegalStateException.class, () -> clock.admitted(6)).getMessage().contains("frames are in use"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> clock.removed(6)).getMessage().contains("not resident"));
        clock.evict(NO_PAGE);
        assertThrows(IllegalStateException.class, () -> clock.evict(NO_PAGE));
    }

    @Test
    void isRegisteredAsAPrototypeServiceNamedClockRanked20() {
        ComponentDescription.assertPrototypePolicy(ClockPolicy.class, "clock", 20);
    }
}
