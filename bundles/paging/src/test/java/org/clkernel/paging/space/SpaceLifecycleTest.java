package org.clkernel.paging.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;

import org.clkernel.api.CheckResult;
import org.clkernel.api.machine.CpuContext;
import org.clkernel.api.paging.AddressSpace;
import org.clkernel.api.paging.KernelLayout;
import org.clkernel.api.paging.Prot;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.physical.BuddyFrameAllocator;
import org.junit.jupiter.api.Test;

/** Creating, destroying and re-attaching address spaces, and the integrity walk. */
class SpaceLifecycleTest {
    static final long VA = 0x00400000L;
    static final int RWU = Prot.WRITE | Prot.USER;

    final Booted b = new Booted();

    @Test
    void aNewSpaceIsADirectoryOwnedByTheActor() {
        AddressSpace space = b.vm.createSpace(1);
        assertEquals(1, b.frames.framesOwned(1));
        assertEquals(1, b.frames.block(space.pageDirectory() >>> 12).owner());
        assertEquals(List.of(FrameAllocator.KERNEL, 1), b.vm.spaces().stream().map(AddressSpace::actor).toList());
        assertEquals(space, b.vm.space(1).orElseThrow());
        b.assertIntact();
    }

    @Test
    void anActorHasOneSpaceOnly() {
        b.vm.createSpace(1);
        assertThrows(IllegalArgumentException.class, () -> b.vm.createSpace(1));
        assertThrows(IllegalArgumentException.class, () -> b.vm.createSpace(FrameAllocator.KERNEL));
    }

    @Test
    void aSpaceOverTheActorsQuotaIsRefused() {
        b.frames.setQuota(owner -> 1);
        b.vm.createSpace(1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.vm.reserve(1, VA, 4096, RWU));
        assertEquals("actor 1 is at its frame quota: no frame for its region list", e.getMessage());
        b.assertIntact();
    }

    @Test
    void destroyingASpaceFreesEveryFrameItHeld() {
        long owned = b.frames.framesOwned(1);
        long borrowed = b.frame(9);
        b.vm.createSpace(1);
        b.vm.map(1, VA, borrowed, RWU);
        b.vm.reserve(1, 0x20000000L, 0x01000000L, RWU);
        CpuContext cpu = b.run("cpu", 1, 3);
        for (long va = 0x20000000L; va < 0x21000000L; va += 0x00100000L) {
            cpu.write32(va, 1); // pages in four page tables
        }
        b.vm.activate(cpu, FrameAllocator.KERNEL);
        assertEquals(1 + 1 + 16 + 4 + 1, b.vm.destroySpace(1), "directory, region list, pages, their tables, the table of the mapping");
        assertEquals(owned, b.frames.framesOwned(1));
        assertEquals(9, b.frames.block(borrowed >>> 12).owner(), "a mapped frame stays with its owner");
        assertTrue(b.vm.space(1).isEmpty());
        b.assertIntact();
    }

    @Test
    void aSpaceInUseOnAContextCannotBeDestroyed() {
        b.vm.createSpace(1);
        b.run("cpu", 1, 3);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.vm.destroySpace(1));
        assertTrue(e.getMessage().contains("context 'cpu'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.vm.destroySpace(FrameAllocator.KERNEL));
    }

    @Test
    void aRestartedServiceKeepsEverySpaceMappingRegionAndCounter() {
        b.vm.createSpace(1);
        long pa = b.frame(9);
        b.vm.map(1, VA, pa, RWU);
        b.vm.reserve(1, 0x20000000L, 0x10000, RWU);
        b.vm.map(FrameAllocator.KERNEL, KernelLayout.HEAP_WINDOW, b.frame(9), Prot.WRITE);
        long io = b.vm.mapIo(0xB8000, 4000);
        CpuContext cpu = b.run("cpu", 1, 3);
        cpu.write32(0x20000000L, 3);
        b.vm.deactivate();

        VirtualMemoryService again = new VirtualMemoryService(b.machine, new BuddyFrameAllocator(b.machine));
        assertTrue(again.attached());
        assertEquals(b.vm.spaces(), again.spaces());
        assertEquals(OptionalLong.of(pa), again.physical(1, VA));
        assertEquals(b.vm.regions(1), again.regions(1));
        assertEquals(1, again.counters(1).minorFaults());
        assertEquals(b.vm.physical(1, KernelLayout.HEAP_WINDOW), again.physical(1, KernelLayout.HEAP_WINDOW));
        assertEquals(io + 0x2000, again.mapIo(0xB8000, 4000), "the MMIO window carries on after the guard page");
        CheckResult check = again.check();
        assertTrue(check.isOk(), check.toString());
    }

    @Test
    void aRestartedServiceTakesBackTheFaultsOfRunningContexts() {
        b.vm.createSpace(1);
        b.vm.reserve(1, 0x20000000L, 0x10000, RWU);
        CpuContext cpu = b.run("cpu", 1, 3);
        cpu.write32(0x20000000L, 3);
        b.vm.deactivate();
        VirtualMemoryService again = new VirtualMemoryService(b.machine, b.frames);
        cpu.write32(0x20001000L, 4);
        assertEquals(2, again.counters(1).minorFaults());
    }

    @Test
    void aFreshMachineStartsWithTheKernelSpaceOnly() {
        assertFalse(b.vm.attached());
        assertEquals(List.of(FrameAllocator.KERNEL), b.vm.spaces().stream().map(AddressSpace::actor).toList());
        assertTrue(b.machine.anchors().get(PagingState.ANCHOR).isPresent());
        b.assertIntact();
    }
}
