package org.clkernel.replacement.fifo;

import static org.clkernel.api.replacement.ReplacementPolicy.NO_PAGE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.clkernel.replacement.support.ComponentDescription;
import org.clkernel.replacement.support.TestHost;
import org.junit.jupiter.api.Test;

class FifoPolicyTest {
    private static final long[] CLASSIC = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};

    @Test
    void classicStringMisses9With3FramesAnd10With4BeladysAnomaly() {
        assertEquals(9, TestHost.misses(new FifoPolicy(), 3, CLASSIC));
        assertEquals(10, TestHost.misses(new FifoPolicy(), 4, CLASSIC));
    }

    @Test
    void evictsInAdmissionOrderWhateverWasReferenced() {
        FifoPolicy fifo = started(3, 10, 20, 30);
        fifo.referenced(10);
        fifo.referenced(10);
        assertEquals(10, fifo.evict(NO_PAGE));
        assertArrayEquals(new long[] {20, 30}, fifo.evictionOrder());
    }

    @Test
    void aRemovedPageLeavesTheOrderAndFreesItsFrame() {
        FifoPolicy fifo = started(3, 7, 8, 9);
        fifo.removed(8);
        assertEquals(2, fifo.resident());
        fifo.admitted(10);
        assertArrayEquals(new long[] {7, 9, 10}, fifo.evictionOrder());
        assertNull(fifo.check());
    }

    @Test
    void pageIdsAreOpaqueLongs() {
        FifoPolicy fifo = started(2, Long.MAX_VALUE, 0);
        assertEquals(Long.MAX_VALUE, fifo.evict(NO_PAGE));
        assertEquals(0, fifo.evict(NO_PAGE));
        assertEquals(0, fifo.resident());
    }

    @Test
    void callsOutsideTheContractAreRefusedWithTheirReason() {
        FifoPolicy fifo = started(1, 5);
        assertTrue(assertThrows(IllegalStateException.class, () -> fifo.admitted(5)).getMessage().contains("already resident"));
        assertTrue(assertThrows(IllegalStateException.class, () -> fifo.admitted(6)).getMessage().contains("frames are in use"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> fifo.removed(6)).getMessage().contains("not resident"));
        fifo.evict(NO_PAGE);
        assertThrows(IllegalStateException.class, () -> fifo.evict(NO_PAGE));
    }

    @Test
    void isRegisteredAsAPrototypeServiceNamedFifoRanked10() {
        ComponentDescription.assertPrototypePolicy(FifoPolicy.class, "fifo", 10);
    }

    /** A policy inited for these frames with these pages admitted. */
    private static FifoPolicy started(int frames, long... pages) {
        FifoPolicy fifo = new FifoPolicy();
        TestHost.started(fifo, frames, pages);
        return fifo;
    }
}
