package org.clkernel.heap.segfit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.TreeMap;

import org.clkernel.api.heap.HeapView;
import org.junit.jupiter.api.Test;

class SegregatedFitStrategyTest {
    private final TreeMap<Long, Long> free = new TreeMap<>();
    private final HeapView view = v -> free.forEach(v::visit);

    private SegregatedFitStrategy attached() {
        free.put(0x1000L, 64L);
        free.put(0x2000L, 96L);
        free.put(0x3000L, 704L);
        free.put(0x4000L, 1000L);
        free.put(0x5000L, 4096L);
        SegregatedFitStrategy s = new SegregatedFitStrategy();
        s.attach(view);
        return s;
    }

    private void free(SegregatedFitStrategy s, long address, long size) {
        s.blockFreed(address, size);
        free.put(address, size);
    }

    private void use(SegregatedFitStrategy s, long address) {
        s.blockUsed(address);
        free.remove(address);
    }

    @Test
    void smallSizesHaveExactClassesLargeOnesOnePerPowerOfTwo() {
        assertEquals(4, SegregatedFitStrategy.classOf(32));
        assertEquals(63, SegregatedFitStrategy.classOf(504));
        assertEquals(64, SegregatedFitStrategy.classOf(512));
        assertEquals(64, SegregatedFitStrategy.classOf(1016));
        assertEquals(65, SegregatedFitStrategy.classOf(1024));
        assertEquals(SegregatedFitStrategy.CLASSES - 1, SegregatedFitStrategy.classOf(Long.MAX_VALUE & ~7L));
        assertEquals("class 12 (96 bytes)", SegregatedFitStrategy.describe(12));
        assertEquals("class 65 (1024 to 2047 bytes)", SegregatedFitStrategy.describe(65));
    }

    @Test
    void aSmallRequestTakesTheFirstNonEmptyExactClassFromItsSizeRoundedUp() {
        SegregatedFitStrategy s = attached();
        assertEquals(0x1000L, s.find(1));
        assertEquals(0x1000L, s.find(64));
        assertEquals(0x2000L, s.find(65));
        // the head of the class 512..1023: 0x4000, indexed after 0x3000
        assertEquals(0x4000L, s.find(97));
        assertEquals(0x4000L, s.find(511));
        assertNull(s.check(view));
    }

    @Test
    void aLargeRequestScansItsOwnClassForAFirstFit() {
        SegregatedFitStrategy s = attached();
        // 704 and 1000 share the class 512..1023; the list runs from the block indexed last
        assertEquals(0x4000L, s.find(600));
        assertEquals(0x4000L, s.find(705));
        assertEquals(0x5000L, s.find(1001));
        assertEquals(0, s.find(4097));
    }

    @Test
    void withinAClassTheBlockFreedLastIsFoundFirst() {
        SegregatedFitStrategy s = attached();
        free(s, 0x6000L, 64);
        assertEquals(0x6000L, s.find(64));
        use(s, 0x6000L);
        assertEquals(0x1000L, s.find(64));
        assertNull(s.check(view));
    }

    @Test
    void anEmptiedClassIsSkipped() {
        SegregatedFitStrategy s = attached();
        use(s, 0x1000L);
        use(s, 0x2000L);
        assertEquals(0x4000L, s.find(8));
        assertNull(s.check(view));
    }

    @Test
    void aBlockReportedTwiceIsIndexedOnceWithItsLatestSize() {
        SegregatedFitStrategy s = attached();
        free(s, 0x1000L, 8192);
        assertEquals(5, s.size());
        assertEquals(0x2000L, s.find(64));
        assertEquals(0x1000L, s.find(5000));
        assertNull(s.check(view));
    }

    @Test
    void sizesThatAreNotMultiplesOfEightAreRefused() {
        SegregatedFitStrategy s = attached();
        assertThrows(IllegalArgumentException.class, () -> s.blockFreed(0x7000L, 36));
        assertNull(s.check(view));
    }

    @Test
    void detachDropsTheIndex() {
        SegregatedFitStrategy s = attached();
        s.detach();
        assertEquals(0, s.size());
        assertEquals(0, s.find(8));
        assertNull(s.check(v -> { }));
    }
}
