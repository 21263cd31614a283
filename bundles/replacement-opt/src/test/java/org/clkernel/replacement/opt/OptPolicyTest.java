package org.clkernel.replacement.opt;

import static org.clkernel.api.replacement.ReplacementPolicy.NO_PAGE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.clkernel.replacement.support.ComponentDescription;
import org.clkernel.replacement.support.TestHost;
import org.junit.jupiter.api.Test;

class OptPolicyTest {
    private static final long[] CLASSIC = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};

    @Test
    void classicStringMisses7With3FramesAnd6With4() {
        assertEquals(7, TestHost.misses(new OptPolicy(), 3, CLASSIC));
        assertEquals(6, TestHost.misses(new OptPolicy(), 4, CLASSIC));
    }

    @Test
    void refusesAHostThatDoesNotKnowTheFuture() {
        OptPolicy opt = new OptPolicy();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new TestHost(opt, 4, false));
        assertTrue(e.getMessage().contains("needs the future reference string"), e.getMessage());
    }

    @Test
    void evictsThePageWhoseNextUseIsFarthest() {
        //                       positions 0  1  2  3  4  5  6
        OptPolicy opt = new OptPolicy();
        TestHost host = new TestHost(opt, 3, true, 1, 2, 3, 4, 2, 3, 1);
        assertEquals(TestHost.NO_EVICTION, host.reference());
        assertEquals(TestHost.NO_EVICTION, host.reference());
        assertEquals(TestHost.NO_EVICTION, host.reference());
        assertArrayEquals(new long[] {1, 3, 2}, opt.evictionOrder());
        assertEquals(1, host.reference()); // 4 comes in: 1 is next used at 6, after 2 (4) and 3 (5)
    }

    @Test
    void pagesNeverUsedAgainGoFirstSmallestIdFirst() {
        OptPolicy opt = new OptPolicy();
        TestHost host = new TestHost(opt, 3, true, 9, 5, 7, 8, 5);
        for (int i = 0; i < 3; i++) {
            host.reference();
        }
        assertArrayEquals(new long[] {7, 9, 5}, opt.evictionOrder());
        assertEquals(7, host.reference());
        assertNull(opt.check());
    }

    @Test
    void aRemovedPageLeavesTheHeap() {
        OptPolicy opt = new OptPolicy();
        TestHost host = new TestHost(opt, 3, true, 1, 2, 3, -1, 4, 1, 2, 3);
        host.reference();
        host.reference();
        host.reference();
        assertEquals(1, host.remove());
        assertEquals(TestHost.NO_EVICTION, host.reference());
        assertArrayEquals(new long[] {4, 3, 2}, opt.evictionOrder()); // 4 is never used again
        assertNull(opt.check());
    }

    @Test
    void callsOutsideTheContractAreRefusedWithTheirReason() {
        OptPolicy opt = new OptPolicy();
        new TestHost(opt, 1, true, 5, 5, 6);
        opt.admitted(5);
        assertTrue(assertThrows(IllegalStateException.class, () -> opt.admitted(5)).getMessage().contains("already resident"));
        assertTrue(assertThrows(IllegalStateException.class, () -> opt.admitted(6)).getMessage().contains("frames are in use"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> opt.referenced(6)).getMessage().contains("not resident"));
        opt.evict(NO_PAGE);
        assertThrows(IllegalStateException.class, () -> opt.evict(NO_PAGE));
    }

    @Test
    void isRegisteredAsAPrototypeServiceNamedOptRanked0() {
        ComponentDescription.assertPrototypePolicy(OptPolicy.class, "opt", 0);
    }
}
