package org.clkernel.heap.tlsf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.TreeMap;

import org.clkernel.api.heap.HeapView;
import org.junit.jupiter.api.Test;

class TlsfStrategyTest {
    private final TreeMap<Long, Long> free = new TreeMap<>();
    private final HeapView view = v -> free.forEach(v::visit);

    private TlsfStrategy attached() {
        free.put(0x1000L, 4096L);
        free.put(0x3000L, 64L);
        free.put(0x4000L, 200L);
        TlsfStrategy s = new TlsfStrategy();
        s.attach(view);
        return s;
    }

    @Test
    void smallSizesHaveClassesEightBytesWide() {
        assertEquals(0, TlsfStrategy.fl(64));
        assertEquals(8, TlsfStrategy.sl(64));
        assertEquals(15, TlsfStrategy.sl(127));
    }

    @Test
    void eachPowerOfTwoIsSplitIntoSixteenClasses() {
        assertEquals(1, TlsfStrategy.fl(128));
        assertEquals(0, TlsfStrategy.sl(128));
        assertEquals(1, TlsfStrategy.sl(136));
        assertEquals(15, TlsfStrategy.sl(255));
        assertEquals(2, TlsfStrategy.fl(256));
        assertEquals(1, TlsfStrategy.sl(272));
        assertEquals(25, TlsfStrategy.fl(0xFFFFFFF8L)); // the last of the 26 classes the heap window needs
    }

    @Test
    void attachIndexesEveryFreeBlock() {
        TlsfStrategy s = attached();
        assertEquals(3, s.size());
        assertNull(s.check(view));
    }

    @Test
    void findAnswersABlockOfTheNextClassUp() {
        TlsfStrategy s = attached();
        assertEquals(0x3000L, s.find(56));
        assertEquals(0x4000L, s.find(65));
        assertEquals(0x1000L, s.find(201));
    }

    @Test
    void findScansTheOwnClassWhenNothingLargerIsFree() {
        free.clear();
        free.put(0x1000L, 200L);
        TlsfStrategy s = new TlsfStrategy();
        s.attach(view);
        // 200 and 193 share the class [192, 200); rounding up skips it, the scan finds the block
        assertEquals(0x1000L, s.find(193));
        assertEquals(0, s.find(201));
    }

    @Test
    void usedBlocksLeaveTheirListAndClearTheBitmaps() {
        TlsfStrategy s = attached();
        s.blockUsed(0x1000L);
        s.blockUsed(0x4000L);
        free.remove(0x1000L);
        free.remove(0x4000L);
        assertEquals(0, s.find(65));
        assertEquals(0x3000L, s.find(64));
        assertNull(s.check(view));
    }

    @Test
    void aFreedBlockIsFoundWithItsLatestSize() {
        TlsfStrategy s = attached();
        s.blockFreed(0x3000L, 8192);
        free.put(0x3000L, 8192L);
        long a = s.find(5000);
        assertEquals(0x3000L, a);
        assertTrue(s.find(64) != 0x3000L || s.size() == 3);
        assertNull(s.check(view));
    }

    @Test
    void detachDropsTheIndex() {
        TlsfStrategy s = attached();
        s.detach();
        assertEquals(0, s.size());
        assertEquals(0, s.find(8));
        assertNull(s.check(v -> { }));
        assertEquals("block 0x1000 of 4096 bytes is not indexed", s.check(view));
    }

    @Test
    void aClassListAnswersTheBlockFreedLast() {
        TlsfStrategy s = attached();
        free.put(0x5000L, 64L);
        s.blockFreed(0x5000L, 64);
        assertEquals(0x5000L, s.find(64));
        s.blockUsed(0x5000L);
        free.remove(0x5000L);
        assertEquals(0x3000L, s.find(64));
        assertNull(s.check(view));
    }

    @Test
    void aFindScansNoFurtherThanTheOwnClass() {
        free.clear();
        free.put(0x1000L, 136L);
        free.put(0x2000L, 128L);
        TlsfStrategy s = new TlsfStrategy();
        s.attach(view);
        // 129 rounds up to (1, 2), which is empty; the own class (1, 0) holds only 128
        assertEquals(0x1000L, s.find(129));
        assertEquals(0, s.find(137));
    }
}
