package org.clkernel.slab;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.clkernel.api.CheckResult;
import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.paging.KernelLayout;
import org.clkernel.machine.EmulatedMachine;
import org.clkernel.physical.BuddyFrameAllocator;

/** A machine with the frame allocator and the slab allocator on it, as the bundles start them. */
final class BootedSlab {
    final EmulatedMachine machine;
    final BuddyFrameAllocator frames;
    final PhysicalMemory ram;
    /** The instance in service: the one {@link #restart} made last. */
    SlabService slab;

    BootedSlab(int ramMiB) {
        machine = new EmulatedMachine(ramMiB, EmulatedMachine.DEFAULT_TLB_ENTRIES, 0);
        frames = new BuddyFrameAllocator(machine);
        ram = machine.physical();
        slab = new SlabService(machine, frames);
    }

    BootedSlab() {
        this(16);
    }

    /** A second instance on the same machine, as after the slab bundle is updated. */
    SlabService restart() {
        slab.deactivate(); // as Declarative Services does before the new instance starts
        slab = new SlabService(machine, frames);
        return slab;
    }

    static long physical(long va) {
        return va - KernelLayout.DIRECT_MAP;
    }

    void assertIntact() {
        CheckResult result = slab.check();
        assertTrue(result.isOk(), result.toString());
    }
}
