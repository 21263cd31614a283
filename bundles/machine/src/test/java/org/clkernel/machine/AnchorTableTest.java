package org.clkernel.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.clkernel.api.CheckResult;
import org.clkernel.api.machine.AnchorTable;
import org.clkernel.api.machine.PhysicalMemory;
import org.junit.jupiter.api.Test;

/** The anchor table in emulated RAM: named pointers that outlive a bundle restart. */
class AnchorTableTest {
    final EmulatedMachine machine = new EmulatedMachine(16);
    final AnchorTable anchors = machine.anchors();
    final PhysicalMemory ram = machine.physical();

    /** Physical address of the name of entry {@code slot}, from the layout in the class comment. */
    static long entryAddress(int slot) {
        return AnchorTable.ADDRESS + RamAnchorTable.HEADER + (long) slot * RamAnchorTable.ENTRY;
    }

    @Test
    void freshMachineHasAnEmptyIntactTable() {
        assertTrue(anchors.entries().isEmpty());
        assertEquals(RamAnchorTable.CAPACITY, anchors.freeSlots());
        assertTrue(anchors.check().isOk());
        assertEquals(AnchorTable.MAGIC, ram.read32(AnchorTable.ADDRESS));
    }

    @Test
    void putThenGetReturnsTheValue() {
        anchors.put("physical.frames", 0x00200000L);
        assertEquals(OptionalLong.of(0x00200000L), anchors.get("physical.frames"));
        assertEquals(OptionalLong.empty(), anchors.get("heap"));
    }

    @Test
    void putReplacesAnExistingValue() {
        anchors.put("heap", 1);
        anchors.put("heap", 0xFFFFFFFF_00000000L);
        assertEquals(OptionalLong.of(0xFFFFFFFF_00000000L), anchors.get("heap"));
        assertEquals(1, anchors.entries().size());
    }

    @Test
    void valuesLiveInEmulatedRam() {
        anchors.put("slab", 0x1234_5678_9ABCL);
        assertEquals(0x1234_5678_9ABCL, ram.read64(entryAddress(0) + RamAnchorTable.NAME_BYTES));
    }

    @Test
    void removeMovesLastEntryIntoTheHole() {
        anchors.put("a", 1);
        anchors.put("b", 2);
        anchors.put("c", 3);
        assertTrue(anchors.remove("a"));
        assertFalse(anchors.remove("a"));
        assertEquals(Map.of("c", 3L, "b", 2L), anchors.entries());
        assertEquals(List.of("c", "b"), List.copyOf(anchors.entries().keySet()));
        assertEquals(RamAnchorTable.CAPACITY - 2, anchors.freeSlots());
        assertTrue(anchors.check().isOk());
    }

    @Test
    void badNamesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> anchors.put("", 1));
        assertThrows(IllegalArgumentException.class, () -> anchors.put("has space", 1));
        assertThrows(IllegalArgumentException.class, () -> anchors.put("x".repeat(AnchorTable.MAX_NAME_LENGTH + 1), 1));
        anchors.put("x".repeat(AnchorTable.MAX_NAME_LENGTH), 1);
        assertEquals(OptionalLong.of(1), anchors.get("x".repeat(AnchorTable.MAX_NAME_LENGTH)));
    }

    @Test
    void fullTableRefusesNewNamesButTakesUpdates() {
        for (int i = 0; i < RamAnchorTable.CAPACITY; i++) {
            anchors.put("n" + i, i);
        }
        assertEquals(0, anchors.freeSlots());
        assertThrows(IllegalStateException.class, () -> anchors.put("one-more", 0));
        anchors.put("n0", 42);
        assertEquals(OptionalLong.of(42), anchors.get("n0"));
    }

    @Test
    void checkNamesTheCorruptedEntry() {
        anchors.put("a", 1);
        anchors.put("b", 2);
        anchors.put("c", 3);
        ram.write8(entryAddress(1), 0x01); // entry 1's name now starts with a control byte
        CheckResult result = anchors.check();
        assertFalse(result.isOk());
        assertEquals(1, result.elementsChecked());
        assertTrue(result.firstProblem().startsWith("entry 1 at 0x"), result.firstProblem());
        assertTrue(machine.check().contains(result));
    }

    @Test
    void checkFindsADuplicateName() {
        anchors.put("a", 1);
        anchors.put("b", 2);
        ram.write8(entryAddress(1), 'a');
        assertTrue(anchors.check().firstProblem().contains("duplicate name 'a'"));
    }

    @Test
    void checkFindsABadMagic() {
        ram.write32(AnchorTable.ADDRESS, 0);
        assertTrue(anchors.check().firstProblem().contains("bad magic"));
    }

    @Test
    void brokenTableRefusesChanges() {
        anchors.put("a", 1);
        ram.write8(entryAddress(0) + 1, 0x7F); // a byte after the name that is not printable
        assertThrows(IllegalStateException.class, () -> anchors.put("b", 2));
        assertThrows(IllegalStateException.class, () -> anchors.remove("a"));
    }
}
