package org.clkernel.replacement.lru;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class LruPolicyTest {
    private static final long[] CLASSIC = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};

    @Test
    void classicStringMisses10With3FramesAnd8With4() {
        assertEquals(10, TestHost.misses(new LruPolicy(), 3, CLASSIC));
        assertEquals(8, TestHost.misses(new LruPolicy(), 4, CLASSIC));
    }

    @Test
    void evictsTheLeastRecentlyUsedPage() {
        LruPolicy lru = started(3, 10, 20, 30);
        lru.referenced(10);
        assertEquals(20, lru.evict());
        assertArrayEquals(new long[] {30, 10}, lru.evictionOrder());
    }

    @Test
    void aHitMovesThePageToTheBackOfTheEvictionOrder() {
        LruPolicy lru = started(4, 1, 2, 3, 4);
        lru.referenced(2);
        lru.referenced(1);
        assertArrayEquals(new long[] {3, 4, 2, 1}, lru.evictionOrder());
        assertNull(lru.check());
    }

    @Test
    void aRemovedPageLeavesTheOrderAndFreesItsFrame() {
        LruPolicy lru = started(2, 7, 8);
        lru.removed(7);
        assertEquals(1, lru.resident());
        lru.admitted(9);
        assertArrayEquals(new long[] {8, 9}, lru.evictionOrder());
        assertNull(lru.check());
    }

    @Test
    void pageIdsAreOpaqueLongs() {
        long far = Long.MAX_VALUE;
        LruPolicy lru = started(2, far, 0);
        lru.referenced(far);
        assertEquals(0, lru.evict());
        assertEquals(far, lru.evict());
        assertEquals(0, lru.resident());
    }

    @Test
    void callsOutsideTheContractAreRefusedWithTheirReason() {
        LruPolicy lru = started(1, 5);
        assertTrue(assertThrows(IllegalStateException.class, () -> lru.admitted(5)).getMessage().contains("already resident"));
        assertTrue(assertThrows(IllegalStateException.class, () -> lru.admitted(6)).getMessage().contains("frames are in use"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> lru.referenced(6)).getMessage().contains("not resident"));
        lru.evict();
        assertThrows(IllegalStateException.class, lru::evict);
    }

    @Test
    void isRegisteredAsAPrototypeServiceNamedLruRanked30() throws IOException {
        String xml = componentDescription("org.clkernel.replacement.lru.LruPolicy");
        assertTrue(xml.contains("scope=\"prototype\""), xml);
        assertTrue(xml.contains("name=\"policy.name\"") && xml.contains("value=\"lru\""), xml);
        assertTrue(xml.contains("name=\"service.ranking\"") && xml.contains("type=\"Integer\"") && xml.contains("value=\"30\""), xml);
        assertTrue(xml.contains("interface=\"org.clkernel.api.replacement.ReplacementPolicy\""), xml);
    }

    private static LruPolicy started(int frames, long... pages) {
        LruPolicy lru = new LruPolicy();
        new TestHost(lru, frames, false); // inits the policy; the test then talks to it directly
        for (long p : pages) {
            lru.admitted(p);
        }
        return lru;
    }

    /** The DS descriptor bnd generated from the component's annotations. */
    static String componentDescription(String component) throws IOException {
        try (InputStream in = LruPolicyTest.class.getResourceAsStream("/OSGI-INF/" + component + ".xml")) {
            if (in == null) {
                throw new AssertionError("no OSGI-INF/" + component + ".xml: bnd-process did not run?");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
