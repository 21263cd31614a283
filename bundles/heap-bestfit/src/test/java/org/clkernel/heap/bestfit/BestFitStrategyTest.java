package org.clkernel.heap.bestfit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.TreeMap;

import org.clkernel.api.heap.HeapView;
import org.junit.jupiter.api.Test;

class BestFitStrategyTest {
    private final TreeMap<Long, Long> free = new TreeMap<>();
    private final HeapView view = v -> free.forEach(v::visit);

    private BestFitStrategy attached() {
        free.put(0x1000L, 256L);
        free.put(0x2000L, 64L);
        free.put(0x3000L, 128L);
        free.put(0x4000L, 64L);
        BestFitStrategy s = new BestFitStrategy();
        s.attach(view);
        return s;
    }

    @Test
    void attachIndexesEveryFreeBlock() {
        BestFitStrategy s = attached();
        assertEquals(4, s.size());
        assertNull(s.check(view));
    }

    @Test
    void findAnswersTheSmallestBlockLargeEnoughAtTheLowestAddress() {
        BestFitStrategy s = attached();
        assertEquals(0x2000L, s.find(40));
        assertEquals(0x3000L, s.find(65));
        assertEquals(0x1000L, s.find(256));
    }

    @Test
    void findAnswersZeroWhenNoBlockIsLargeEnough() {
        assertEquals(0, attached().find(257));
    }

    @Test
    void aUsedBlockIsNoLongerFound() {
        BestFitStrategy s = attached();
        s.blockUsed(0x2000L);
        free.remove(0x2000L);
        assertEquals(0x4000L, s.find(64));
        s.blockUsed(0x4000L);
        free.remove(0x4000L);
        assertEquals(0x3000L, s.find(64));
        assertNull(s.check(view));
    }

    @Test
    void aFreedBlockIsFoundWithItsLatestSize() {
        BestFitStrategy s = attached();
        s.blockFreed(0x2000L, 512);
        free.put(0x2000L, 512L);
        assertEquals(0x2000L, s.find(300));
        assertEquals(0x4000L, s.find(64));
        assertEquals(4, s.size());
        assertNull(s.check(view));
    }

    @Test
    void detachDropsTheIndex() {
        BestFitStrategy s = attached();
        s.detach();
        assertEquals(0, s.size());
        assertEquals(0, s.find(8));
    }

    @Test
    void theKeySortsBySizeThenAddress() {
        long a = BestFitStrategy.key(0xEFFFFFF8L, 64);
        long b = BestFitStrategy.key(0xD0000000L, 72);
        assertEquals(true, a < b);
        assertEquals(0xEFFFFFF8L, BestFitStrategy.address(a));
        assertEquals(64, BestFitStrategy.size(a));
        assertEquals(0xFFFFFFF8L, BestFitStrategy.address(BestFitStrategy.key(0xFFFFFFF8L, 1L << 33)));
    }

    @Test
    void equalSizesAnswerTheLowestAddressWhateverTheOrderTheyCameIn() {
        BestFitStrategy s = new BestFitStrategy();
        s.blockFreed(0xD0003000L, 96);
        s.blockFreed(0xD0001000L, 96);
        s.blockFreed(0xD0002000L, 96);
        assertEquals(0xD0001000L, s.find(90));
    }

    @Test
    void aBlockOutsideA32BitHeapIsRefused() {
        BestFitStrategy s = attached();
        assertThrows(IllegalArgumentException.class, () -> s.blockFreed(1L << 32, 64));
        assertThrows(IllegalArgumentException.class, () -> s.blockFreed(0x5004L, 64));
        assertNull(s.check(view));
    }
}
