package org.clkernel.paging.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.clkernel.api.CheckResult;
import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.paging.KernelLayout;
import org.clkernel.api.paging.Prot;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.x86.Paging;
import org.junit.jupiter.api.Test;

/** check() names the first broken element of paging structures damaged behind its back. */
class PagingCheckTest {
    static final long VA = 0x00400000L;

    final Booted b = new Booted();
    final PhysicalMemory ram = b.machine.physical();

    String problem() {
        CheckResult check = b.vm.check();
        assertFalse(check.isOk(), "the damage went unseen");
        return check.firstProblem();
    }

    long directory(int actor) {
        return b.vm.space(actor).orElseThrow().pageDirectory();
    }

    @Test
    void aKernelHalfThatDiffersFromTheKernelsIsNamed() {
        b.vm.createSpace(1);
        b.vm.map(FrameAllocator.KERNEL, KernelLayout.HEAP_WINDOW, b.frame(9), Prot.WRITE);
        ram.write32(directory(1) + 4 * 832, 0);
        assertEquals(String.format("space of actor 1: PDE 832 is 0x00000000 but the kernel's is 0x%08x",
                ram.read32(directory(FrameAllocator.KERNEL) + 4 * 832)), problem());
    }

    @Test
    void aUserPageWithoutUserBitIsNamed() {
        b.vm.createSpace(1);
        b.vm.map(1, VA, b.frame(9), Prot.USER);
        long table = ram.read32(directory(1) + 4) & Paging.FRAME_4K;
        ram.write32(table, ram.read32(table) & ~Paging.US);
        assertEquals(String.format("space of actor 1: PTE of 0x00400000 is 0x%08x; a user page is user and not global",
                ram.read32(table)), problem());
    }

    @Test
    void aPageTableFreedBehindTheSpacesBackIsNamed() {
        b.vm.createSpace(1);
        b.vm.map(1, VA, b.frame(9), Prot.USER);
        long table = ram.read32(directory(1) + 4) & Paging.FRAME_4K;
        b.frames.free(table >>> 12, 0, 1);
        assertEquals(String.format("space of actor 1: page table 0x%08x is not an order-0 frame allocated to actor 1 (no block starts there)",
                table), problem());
    }

    @Test
    void aDirectMapEntryChangedIsNamed() {
        long pde = directory(FrameAllocator.KERNEL) + 4 * 768;
        ram.write32(pde, ram.read32(pde) | Paging.US);
        assertEquals("space of actor 0: direct-map PDE 768 is 0x00000187, not 0x00000183", problem());
    }

    @Test
    void overlappingRegionsAreNamed() {
        b.vm.createSpace(1);
        b.vm.reserve(1, VA, 0x2000, Prot.USER | Prot.WRITE);
        b.vm.reserve(1, VA + 0x2000, 0x2000, Prot.USER);
        long list = ram.read32(b.machine.anchors().get(PagingState.ANCHOR).getAsLong() + SpaceTable.HEADER + SpaceTable.ENTRY + 8);
        ram.write32(list + RegionList.HEADER + RegionList.RECORD, (int) VA + 0x1000);
        assertEquals("space of actor 1: region 0x00401000-0x00404000 (prot 0x4) is misplaced, unaligned, overlapping or badly protected",
                problem());
    }
}
