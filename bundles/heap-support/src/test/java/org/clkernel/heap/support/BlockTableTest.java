package org.clkernel.heap.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class BlockTableTest {

    @Test
    void slotsAndTableGrowAndEveryBlockStaysFindable() {
        BlockTable t = new BlockTable(4);
        for (long i = 0; i < 5000; i++) {
            t.add(0xD0000000L + i * 4096, 32 + i * 8);
        }
        assertNull(t.check());
        for (long i = 0; i < 5000; i += 2) {
            t.removeSlot(t.slotOf(0xD0000000L + i * 4096));
        }
        assertNull(t.check());
        assertEquals(2500, t.size());
        assertEquals(BlockTable.NONE, t.slotOf(0xD0000000L));
        assertEquals(40, t.size(t.slotOf(0xD0001000L)));
    }

    @Test
    void freedSlotsAreHandedOutAgain() {
        BlockTable t = new BlockTable();
        int a = t.add(0x1000, 64);
        t.add(0x2000, 64);
        t.removeSlot(a);
        assertEquals(a, t.add(0x3000, 128));
        assertEquals(2, t.highWater());
        assertNull(t.check());
    }

    @Test
    void sortedByAddressListsEveryBlockInOrder() {
        BlockTable t = new BlockTable();
        t.add(0x3000, 96);
        t.add(0x1000, 32);
        t.add(0x2000, 64);
        long[][] sorted = t.sortedByAddress();
        assertArrayEquals(new long[] {0x1000, 0x2000, 0x3000}, sorted[0]);
        assertArrayEquals(new long[] {32, 64, 96}, sorted[1]);
        t.clear();
        assertEquals(0, t.sortedByAddress()[0].length);
        assertNull(t.check());
    }

    @Test
    void removingByAddressLeavesTheSlotReadableUntilTheNextAdd() {
        BlockTable t = new BlockTable();
        int a = t.add(0x1000, 64);
        t.add(0x2000, 96);
        assertEquals(a, t.remove(0x1000L));
        assertEquals(BlockTable.NONE, t.remove(0x1000L));
        assertEquals(0x1000, t.address(a));
        assertEquals(64, t.size(a));
        assertEquals(BlockTable.NONE, t.slotOf(0x1000));
        assertEquals(1, t.size());
        assertNull(t.check());
    }
}
