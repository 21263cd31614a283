package org.clkernel.replacement.fifo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

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
        assertEquals(10, fifo.evict());
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
        assertEquals(Long.MAX_VALUE, fifo.evict());
        assertEquals(0, fifo.evict());
        assertEquals(0, fifo.resident());
    }

    @Test
    void callsOutsideTheContractAreRefusedWithTheirReason() {
        FifoPolicy fifo = started(1, 5);
        assertTrue(assertThrows(IllegalStateException.class, () -> fifo.admitted(5)).getMessage().contains("already resident"));
        assertTrue(assertThrows(IllegalStateException.class, () -> fifo.admitted(6)).getMessage().contains("frames are in use"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> fifo.removed(6)).getMessage().contains("not resident"));
        fifo.evict();
        assertThrows(IllegalStateException.class, fifo::evict);
    }

    @Test
    void isRegisteredAsAPrototypeServiceNamedFifoRanked10() throws IOException {
        String xml = componentDescription("org.clkernel.replacement.fifo.FifoPolicy");
        assertTrue(xml.contains("scope=\"prototype\""), xml);
        assertTrue(xml.contains("name=\"policy.name\"") && xml.contains("value=\"fifo\""), xml);
        assertTrue(xml.contains("name=\"service.ranking\"") && xml.contains("type=\"Integer\"") && xml.contains("value=\"10\""), xml);
        assertTrue(xml.contains("interface=\"org.clkernel.api.replacement.ReplacementPolicy\""), xml);
    }

    private static FifoPolicy started(int frames, long... pages) {
        FifoPolicy fifo = new FifoPolicy();
        new TestHost(fifo, frames, false); // inits the policy; the test then talks to it directly
        for (long p : pages) {
            fifo.admitted(p);
        }
        return fifo;
    }

    /** The DS descriptor bnd generated from the component's annotations. */
    static String componentDescription(String component) throws IOException {
        try (InputStream in = FifoPolicyTest.class.getResourceAsStream("/OSGI-INF/" + component + ".xml")) {
            if (in == null) {
                throw new AssertionError("no OSGI-INF/" + component + ".xml: bnd-process did not run?");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
