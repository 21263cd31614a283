package org.clkernel.heap.nextfit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.TreeMap;

import org.clkernel.api.heap.HeapView;
import org.junit.jupiter.api.Test;

class NextFitStrategyTest {
    private final TreeMap<Long, Long> free = new TreeMap<>();
    private final HeapView view = v -> free.forEach(v::visit);

    private NextFitStrategy attached() {
        free.put(0x1000L, 256L);
        free.put(0x2000L, 64L);
        free.put(0x3000L, 128L);
        free.put(0x4000L, 64L);
        NextFitStrategy s = new NextFitStrategy();
        s.attach(view);
        return s;
    }

    private void use(NextFitStrategy s, long address) {
        s.blockUsed(address);
        free.remove(address);
    }

    private void free(NextFitStrategy s, long address, long size) {
        s.blockFreed(address, size);
        free.put(address, size);
    }

    @Test
    void theFirstSearchStartsAtTheBottom() {
        NextFitStrategy s = attached();
        assertEquals(0x1000L, s.find(64));
        assertEquals(0x1000L, s.rover());
        assertNull(s.check(view));
    }

    @Test
    void aSearchStartsAtTheBlockTheLastOneFound() {
        NextFitStrategy s = attached();
        assertEquals(0x1000L, s.find(64));
        use(s, 0x1000L);
        assertEquals(0x3000L, s.find(100));
        // first fit would answer 0x2000; next fit goes on from 0x3000
        assertEquals(0x3000L, s.find(64));
        use(s, 0x3000L);
        assertEquals(0x4000L, s.find(64));
    }

    @Test
    void theRemainderOfASplitIsWhereTheNextSearchStarts() {
        NextFitStrategy s = attached();
        assertEquals(0x1000L, s.find(64));
        use(s, 0x1000L);
        free(s, 0x1040L, 192);
        assertEquals(0x1040L, s.find(32));
        assertNull(s.check(view));
    }

    @Test
    void aSearchWrapsAroundOnce() {
        NextFitStrategy s = attached();
        assertEquals(0x1000L, s.find(64));
        use(s, 0x1000L);
        use(s, 0x2000L);
        use(s, 0x3000L);
        assertEquals(0x4000L, s.find(64));
        free(s, 0x1000L, 256);
        assertEquals(0x1000L, s.find(200));
        assertEquals(0x1000L, s.rover());
        assertNull(s.check(view));
    }

    @Test
    void aFailedSearchLeavesTheRover() {
        NextFitStrategy s = attached();
        use(s, 0x1000L);
        assertEquals(0x3000L, s.find(128));
        assertEquals(0, s.find(257));
        assertEquals(0x3000L, s.rover());
    }

    @Test
    void aRoverBlockMergedIntoItsLowerNeighbourMovesTheRoverToTheNextFreeBlock() {
        free.put(0x1000L, 64L);
        free.put(0x2000L, 128L); // the block between, 0x1040 to 0x2000, is allocated
        free.put(0x3000L, 64L);
        NextFitStrategy s = new NextFitStrategy();
        s.attach(view);
        assertEquals(0x2000L, s.find(100));
        // freeing 0x1040 merges it with both neighbours into one block at 0x1000
        use(s, 0x2000L);
        use(s, 0x1000L);
        free(s, 0x1000L, 0x1080L);
        assertEquals(0x3000L, s.find(64));
        assertNull(s.check(view));
    }

    @Test
    void detachSendsTheRoverBackToTheBottom() {
        NextFitStrategy s = attached();
        s.find(128);
        s.detach();
        assertEquals(0, s.rover());
        assertEquals(0, s.size());
        assertEquals(0, s.find(8));
        s.attach(view);
        assertEquals(0x1000L, s.find(8));
    }

    @Test
    void aBlockReportedTwiceIsIndexedOnceWithItsLatestSize() {
        NextFitStrategy s = attached();
        free(s, 0x2000L, 4096);
        assertEquals(4, s.size());
        assertEquals(0x2000L, s.find(300));
        assertNull(s.check(view));
    }
}
