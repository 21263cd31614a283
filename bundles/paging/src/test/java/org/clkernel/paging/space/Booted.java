package org.clkernel.paging.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.clkernel.api.CheckResult;
import org.clkernel.api.machine.AccessKind;
import org.clkernel.api.machine.CpuContext;
import org.clkernel.api.machine.PageFaultException;
import org.clkernel.api.physical.Gfp;
import org.clkernel.machine.EmulatedMachine;
import org.clkernel.physical.BuddyFrameAllocator;

/** A machine with a frame allocator and the paging service on it, as the bundles start them. */
final class Booted {
    static final int RAM_MIB = 64;

    final EmulatedMachine machine;
    final BuddyFrameAllocator frames;
    final VirtualMemoryService vm;

    Booted() {
        this(EmulatedMachine.DEFAULT_SWAP_MIB);
    }

    /** A machine with this much swap (0: none). */
    Booted(int swapMiB) {
        machine = new EmulatedMachine(RAM_MIB, EmulatedMachine.DEFAULT_TLB_ENTRIES, swapMiB);
        frames = new BuddyFrameAllocator(machine);
        vm = new VirtualMemoryService(machine, frames);
    }

    /** A context running an actor's space at a privilege level. */
    CpuContext run(String context, int actor, int cpl) {
        CpuContext c = machine.context(context);
        vm.activate(c, actor);
        c.setCpl(cpl);
        return c;
    }

    /** A zeroed frame of an owner that is not an actor with a space: its physical address. */
    long frame(int owner) {
        long pfn = frames.allocate(0, owner, Gfp.ZERO);
        assertTrue(pfn >= 0);
        return pfn << 12;
    }

    void assertIntact() {
        CheckResult paging = vm.check();
        assertTrue(paging.isOk(), paging.toString());
        CheckResult physical = frames.check();
        assertTrue(physical.isOk(), physical.toString());
    }

    /** The access faults with this error code and CR2. */
    static void assertFaults(int errorCode, CpuContext c, long va, AccessKind kind) {
        PageFaultException e = assertThrows(PageFaultException.class, () -> c.translate(va, kind));
        assertEquals(errorCode, e.errorCode(), e.getMessage());
        assertEquals(va, e.cr2());
    }
}
