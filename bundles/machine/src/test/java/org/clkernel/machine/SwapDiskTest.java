package org.clkernel.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.machine.SwapDevice;
import org.junit.jupiter.api.Test;

/** The swap disk: slots of 4 KiB moved to and from frames of RAM, stored sparsely. */
class SwapDiskTest {
    static final long FRAME = 0x200000;
    static final long OTHER = 0x300000;

    final EmulatedMachine machine = new EmulatedMachine(16, 64, 8);
    final SwapDevice swap = machine.swap();
    final PhysicalMemory ram = machine.physical();

    @Test
    void theSizeComesFromTheConfiguredMebibytes() {
        assertEquals(8 * 256, swap.slots());
        assertEquals(0, new EmulatedMachine(16, 64, 0).swap().slots());
        assertEquals(EmulatedMachine.DEFAULT_SWAP_MIB * 256, new EmulatedMachine(16).swap().slots());
    }

    @Test
    void aWrittenFrameReadsBackIntoAnotherFrame() {
        byte[] page = new byte[4096];
        for (int i = 0; i < page.length; i++) {
            page[i] = (byte) (i * 7 + 1);
        }
        ram.write(FRAME, page, 0, page.length);
        swap.write(17, FRAME);
        ram.zero(FRAME, 4096);
        swap.read(17, OTHER);
        byte[] back = new byte[4096];
        ram.read(OTHER, back, 0, back.length);
        assertArrayEquals(page, back);
        assertEquals(1, swap.reads());
        assertEquals(1, swap.writes());
    }

    @Test
    void aSlotNeverWrittenReadsAsZerosAndCostsNothing() {
        ram.write32(OTHER + 100, -1);
        swap.read(5, OTHER);
        assertEquals(0, ram.read32(OTHER + 100));
        assertEquals(0, swap.storedSlots());
    }

    @Test
    void aDiscardedSlotReadsAsZerosAgain() {
        ram.write32(FRAME, 42);
        swap.write(3, FRAME);
        assertEquals(1, swap.storedSlots());
        swap.discard(3);
        assertEquals(0, swap.storedSlots());
        swap.read(3, OTHER);
        assertEquals(0, ram.read32(OTHER));
    }

    @Test
    void aSlotOutOfRangeOrAnAddressThatIsNotAFrameOfRamIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> swap.write(swap.slots(), FRAME));
        assertThrows(IllegalArgumentException.class, () -> swap.read(-1, FRAME));
        assertThrows(IllegalArgumentException.class, () -> swap.write(0, FRAME + 8));
        assertThrows(IllegalArgumentException.class, () -> swap.read(0, 0xB8000));
        assertThrows(IllegalArgumentException.class, () -> new EmulatedMachine(16, 64, 4097));
        assertNotNull(swap.toString());
    }

    @Test
    void aSwapSizeOutOfRangeIsAConfigurationProblem() {
        assertNotNull(MachineComponent.validate(128, 64, -1));
        assertNotNull(MachineComponent.validate(128, 64, 4097));
        assertEquals(null, MachineComponent.validate(128, 64, 0));
    }
}
