package org.clkernel.replacement.lru;

import static org.clkernel.api.replacement.ReplacementPolicy.NO_PAGE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.clkernel.replacement.support.ComponentDescription;
import org.clkernel.replacement.support.TestHost;
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
        assertEquals(20, lru.evict(NO_PAGE));
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
        assertEquals(0, lru.evict(NO_PAGE));
        assertEquals(far, lru.evict(NO_PAGE));
        assertEquals(0, lru.resident());
    }

    @Test
    void callsOutsideTheContractAreRefusedWithTheirReason() {
        LruPolicy lru = started(1, 5);
        assertTrue(assertThrows(IllegalStateException.class, () -> lru.admitted(5)).getMessage().contains("already resident"));
        assertTrue(assertThrows(IllegalStateException.class, () -> lru.admitted(6)).getMessage().contains("frames are in use"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> lru.referenced(6)).getMessage().contains("not resident"));
        lru.evict(NO_PAGE);
        assertThrows(IllegalStateException.class, () -> lru.evict(NO_PAGE));
    }

    @Test
    void isRegisteredAsAPrototypeServiceNamedLruRanked30() {
        ComponentDescription.assertPrototypePolicy(LruPolicy.class, "lru", 30);
    }

    /** A policy inited for these frames with these pages admitted. */
    private static LruPolicy started(int frames, long... pages) {
        LruPolicy lru = new LruPolicy();
        TestHost.started(lru, frames, pages);
        return lru;
    }
}
