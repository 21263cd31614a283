package org.clkernel.replacement.clock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.clkernel.api.replacement.PolicyHost;
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
        TestHost host = started(clock, 3, 10, 20, 30);
        host.touch(10);
        assertEquals(20, clock.evict());
        assertFalse(host.testAndClearAccessed(10), "the hand clears the bit it passes");
        assertArrayEquals(new long[] {30, 10}, clock.evictionOrder());
    }

    @Test
    void whenEveryBitIsSetTheHandClearsThemAllAndEvictsTheOldest() {
        ClockPolicy clock = new ClockPolicy();
        TestHost host = started(clock, 3, 1, 2, 3);
        host.touch(1);
        host.touch(2);
        host.touch(3);
        assertEquals(1, clock.evict());
        assertFalse(host.testAndClearAccessed(2));
        assertFalse(host.testAndClearAccessed(3));
        assertArrayEquals(new long[] {2, 3}, clock.evictionOrder());
    }

    @Test
    void referencedAloneSavesNoPageTheAccessedBitIsTheOnlySignal() {
        ClockPolicy clock = new ClockPolicy();
        started(clock, 2, 1, 2);
        clock.referenced(1);
        assertEquals(1, clock.evict());
    }

    @Test
    void aNewPageStandsJustBehindTheHand() {
        ClockPolicy clock = new ClockPolicy();
        TestHost host = started(clock, 3, 1, 2, 3);
        host.touch(1);
        assertEquals(2, clock.evict()); // the hand passed 1, now stands at 3
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
        assertEquals(1, clock.evict());
        assertEquals(2, clock.resident());
    }

    @Test
    void aRemovedPageLeavesTheRing() {
        ClockPolicy clock = new ClockPolicy();
        started(clock, 3, 7, 8, 9);
        clock.removed(8);
        assertArrayEquals(new long[] {7, 9}, clock.evictionOrder());
        assertNull(clock.check());
    }

    @Test
    void callsOutsideTheContractAreRefusedWithTheirReason() {
        ClockPolicy clock = new ClockPolicy();
        started(clock, 1, 5);
        assertTrue(assertThrows(IllegalStateException.class, () -> clock.admitted(5)).getMessage().contains("already resident"));
        assertTrue(assertThrows(IllegalStateException.class, () -> clock.admitted(6)).getMessage().contains("frames are in use"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> clock.removed(6)).getMessage().contains("not resident"));
        clock.evict();
        assertThrows(IllegalStateException.class, clock::evict);
    }

    @Test
    void isRegisteredAsAPrototypeServiceNamedClockRanked20() throws IOException {
        String xml = componentDescription("org.clkernel.replacement.clock.ClockPolicy");
        assertTrue(xml.contains("scope=\"prototype\""), xml);
        assertTrue(xml.contains("name=\"policy.name\"") && xml.contains("value=\"clock\""), xml);
        assertTrue(xml.contains("name=\"service.ranking\"") && xml.contains("type=\"Integer\"") && xml.contains("value=\"20\""), xml);
        assertTrue(xml.contains("interface=\"org.clkernel.api.replacement.ReplacementPolicy\""), xml);
    }

    /** Inits the policy on a test host and admits the pages directly, their bits clear. */
    private static TestHost started(ClockPolicy clock, int frames, long... pages) {
        TestHost host = new TestHost(clock, frames, false);
        for (long p : pages) {
            clock.admitted(p);
        }
        return host;
    }

    /** The DS descriptor bnd generated from the component's annotations. */
    static String componentDescription(String component) throws IOException {
        try (InputStream in = ClockPolicyTest.class.getResourceAsStream("/OSGI-INF/" + component + ".xml")) {
            if (in == null) {
                throw new AssertionError("no OSGI-INF/" + component + ".xml: bnd-process did not run?");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
