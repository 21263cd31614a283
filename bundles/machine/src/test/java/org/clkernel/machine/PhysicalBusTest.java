package org.clkernel.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.machine.VgaText;
import org.junit.jupiter.api.Test;

/** The physical address space of DESIGN §2: sparse RAM, open bus, holes and the VGA window. */
class PhysicalBusTest {
    final EmulatedMachine machine = new EmulatedMachine(16);
    final PhysicalMemory ram = machine.physical();

    static long cellAddress(int row, int column) {
        return VgaText.BUFFER + 2L * (row * VgaText.COLUMNS + column);
    }

    @Test
    void untouchedRamReadsZeroAndCostsNothing() {
        long resident = ram.residentBytes();
        assertEquals(0, ram.read8(0x00800001L));
        assertEquals(0, ram.read32(0x00800000L));
        assertEquals(0L, ram.read64(0x00FFFFF8L));
        byte[] bytes = new byte[8192];
        java.util.Arrays.fill(bytes, (byte) 1);
        ram.read(0x00700000L, bytes, 0, bytes.length);
        assertArrayEquals(new byte[8192], bytes);
        assertEquals(resident, ram.residentBytes());
    }

    @Test
    void firstWriteBacksOnePage() {
        long resident = ram.residentBytes();
        ram.write8(0x00800123L, 0xAB);
        assertEquals(resident + 4096, ram.residentBytes());
        assertEquals(0xAB, ram.read8(0x00800123L));
        assertEquals(0, ram.read8(0x00800124L));
    }

    @Test
    void accessesAreLittleEndianAndMayCrossPages() {
        ram.write64(0x00800FFCL, 0x0807060504030201L);
        assertEquals(0x04030201, ram.read32(0x00800FFCL));
        assertEquals(0x08070605, ram.read32(0x00801000L));
        assertEquals(0x0504, ram.read16(0x00800FFFL));
    }

    @Test
    void openBusAboveRamReadsAllOnes() {
        long above = ram.ramSize();
        assertEquals(0xFF, ram.read8(above));
        assertEquals(0xFFFF, ram.read16(above + 2));
        assertEquals(0xFFFFFFFF, ram.read32(above + 0x1000));
        assertEquals(-1L, ram.read64(0xFEC00000L));
        assertFalse(ram.isRam(above));
    }

    @Test
    void readAcrossTopOfRamMixesRamAndOpenBus() {
        long top = ram.ramSize();
        ram.write16(top - 2, 0x1234);
        assertEquals(0xFFFF1234, ram.read32(top - 2));
    }

    @Test
    void writesInHolesAreDropped() {
        long resident = ram.residentBytes();
        for (long hole : new long[] {ram.ramSize(), 0x40000000L, 0xFEC00000L, 0xFEE00000L, 0xFFFFFFFCL}) {
            ram.write32(hole, 0x12345678);
            assertEquals(0xFFFFFFFF, ram.read32(hole), String.format("0x%x", hole));
        }
        assertEquals(resident, ram.residentBytes());
    }

    @Test
    void addressesBeyondFourGibAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ram.read32(PhysicalMemory.ADDRESS_SPACE - 2));
        assertThrows(IllegalArgumentException.class, () -> ram.write8(-1, 0));
    }

    @Test
    void vgaTextBufferAnswersReadsWithTheScreen() {
        // the firmware banner starts "CLKernel/J" in white on blue
        assertEquals(machine.vga().cell(0, 0), ram.read16(VgaText.BUFFER));
        assertEquals('C' | 0x1F << 8, ram.read16(VgaText.BUFFER));
        assertTrue(machine.vga().lines().get(0).startsWith("CLKernel/J"));
    }

    @Test
    void vgaTextBufferTakesWritesOntoTheScreen() {
        ram.write16(cellAddress(24, 79), 'Z' | 0x4E << 8);
        assertEquals('Z' | 0x4E << 8, machine.vga().cell(24, 79));
        assertEquals('Z', machine.vga().lines().get(24).charAt(79));
        ram.write32(cellAddress(10, 0), 'h' | 0x07 << 8 | 'i' << 16 | 0x07 << 24);
        assertTrue(machine.vga().lines().get(10).startsWith("hi"));
    }

    @Test
    void vgaWindowIsNeverBackedByRam() {
        long resident = ram.residentBytes();
        for (long pa = 0xA0000L; pa < 0xC0000L; pa += 0x1000) {
            ram.write32(pa, 0x11111111);
            assertFalse(ram.isRam(pa), String.format("0x%x", pa));
            assertEquals(0x11111111, ram.read32(pa));
        }
        byte[] bulk = new byte[0x2000];
        ram.write(0xB8000L, bulk, 0, bulk.length);
        assertEquals(resident, ram.residentBytes());
        assertTrue(ram.isRam(0x9FFFFL)); // the byte below the window is RAM
    }

    @Test
    void compareAndSetSucceedsOnlyOnExpectedValue() {
        ram.write32(0x00800000L, 5);
        assertFalse(ram.compareAndSet32(0x00800000L, 4, 9));
        assertTrue(ram.compareAndSet32(0x00800000L, 5, 9));
        assertEquals(9, ram.read32(0x00800000L));
        assertThrows(IllegalArgumentException.class, () -> ram.compareAndSet32(0x00800002L, 0, 1));
    }

    @Test
    void threeGibMachineWithUntouchedRamCostsLittle() {
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        long before = runtime.totalMemory() - runtime.freeMemory();
        EmulatedMachine big = new EmulatedMachine(3072);
        System.gc();
        long after = runtime.totalMemory() - runtime.freeMemory();
        assertEquals(3L << 30, big.physical().ramSize());
        assertTrue(big.physical().residentBytes() <= 64 * 1024,
                "resident " + big.physical().residentBytes() + " bytes");
        assertTrue(after - before < 16L << 20, "building the machine took " + ((after - before) >> 10) + " KiB");
        assertEquals(0, big.physical().read32((3L << 30) - 4));
    }
}
