package org.clkernel.paging.space;

import static org.clkernel.api.x86.PageFaultError.P;
import static org.clkernel.api.x86.PageFaultError.US;
import static org.clkernel.api.x86.PageFaultError.WR;
import static org.clkernel.paging.space.Booted.assertFaults;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.clkernel.api.machine.AccessKind;
import org.clkernel.api.machine.CpuContext;
import org.clkernel.api.machine.PageFaultException;
import org.clkernel.api.paging.KernelLayout;
import org.clkernel.api.paging.Prot;
import org.clkernel.api.paging.Region;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.physical.Gfp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** reserve: demand-zero regions filled by the #PF handler on first touch. */
class DemandZeroTest {
    static final long VA = 0x10000000L;
    static final int RWU = Prot.WRITE | Prot.USER;

    final Booted b = new Booted();

    @AfterEach
    void intact() {
        b.assertIntact();
    }

    @Test
    void theFirstTouchIsAMinorFaultThatMapsAZeroedFrameOfTheActor() {
        long dirty = b.frames.allocate(0, 9, Gfp.NONE);
        b.machine.physical().write32((dirty << 12) + 8, -1);
        b.frames.free(dirty, 0, 9); // the next order-0 frame handed out has had data in it
        b.vm.createSpace(1);
        b.vm.reserve(1, VA, 16 * 4096, RWU);
        long before = b.frames.framesOwned(1);
        CpuContext cpu = b.run("cpu", 1, 3);
        assertEquals(0, cpu.read32(VA + 8));
        assertEquals(1, b.vm.counters(1).minorFaults());
        assertEquals(before + 2, b.frames.framesOwned(1), "the page and its page table");
        long pa = b.vm.physical(1, VA).orElseThrow();
        assertEquals(1, b.frames.block(pa >>> 12).owner());
    }

    @Test
    void aFilledPageFaultsNoMore() {
        b.vm.createSpace(1);
        b.vm.reserve(1, VA, 16 * 4096, RWU);
        CpuContext cpu = b.run("cpu", 1, 3);
        cpu.write32(VA, 5);
        cpu.flushTlb();
        assertEquals(5, cpu.read32(VA));
        assertEquals(1, b.vm.counters(1).minorFaults());
        assertEquals(1, b.vm.counters().minorFaults());
    }

    @Test
    void aTouchOutsideEveryRegionStaysAFault() {
        b.vm.createSpace(1);
        b.vm.reserve(1, VA, 4096, RWU);
        CpuContext cpu = b.run("cpu", 1, 3);
        assertFaults(WR | US, cpu, VA + 4096, AccessKind.WRITE);
        assertEquals(0, b.vm.counters(1).minorFaults());
    }

    @Test
    void aWriteToAReadOnlyRegionFaultsAndFillsNothing() {
        b.vm.createSpace(1);
        b.vm.reserve(1, VA, 2 * 4096, Prot.USER);
        CpuContext cpu = b.run("cpu", 1, 3);
        long owned = b.frames.framesOwned(1);
        assertFaults(WR | US, cpu, VA, AccessKind.WRITE);
        assertEquals(owned, b.frames.framesOwned(1));
        assertEquals(0, cpu.read32(VA + 4096));
        assertFaults(P | WR | US, cpu, VA + 4096, AccessKind.WRITE);
    }

    @Test
    void aTouchOverTheActorsQuotaWithoutSwapEndsInAPageFaultException() {
        Booted b = new Booted(0);
        b.frames.setQuota(owner -> owner == 1 ? 4 : 0);
        b.vm.createSpace(1); // the directory: 1 frame
        b.vm.reserve(1, VA, 16 * 4096, RWU); // the region list: 2
        CpuContext cpu = b.run("cpu", 1, 3);
        cpu.write32(VA, 1); // a page table and a page: 4
        PageFaultException e = assertThrows(PageFaultException.class, () -> cpu.write32(VA + 0x1004, 2));
        assertEquals(WR | US, e.errorCode());
        assertEquals(VA + 0x1004, e.cr2());
        assertEquals(1, b.vm.counters(1).minorFaults());
        assertEquals(4, b.frames.framesOwned(1));
        b.assertIntact();
    }

    @Test
    void aTouchOverTheActorsQuotaWithSwapEvictsAPageOfTheSpace() {
        b.frames.setQuota(owner -> owner == 1 ? 4 : 0);
        b.vm.createSpace(1);
        b.vm.reserve(1, VA, 16 * 4096, RWU);
        CpuContext cpu = b.run("cpu", 1, 3);
        cpu.write32(VA, 1);
        cpu.write32(VA + 0x1004, 2);
        assertEquals(1, b.vm.counters(1).swapOuts());
        assertEquals(4, b.frames.framesOwned(1));
        assertEquals(1, cpu.read32(VA));
    }

    @Test
    void unmappingAFilledPageFreesItsFrameAndTheNextTouchGetsZerosAgain() {
        b.vm.createSpace(1);
        b.vm.reserve(1, VA, 4096, RWU);
        CpuContext cpu = b.run("cpu", 1, 3);
        cpu.write32(VA, 77);
        long pa = b.vm.physical(1, VA).orElseThrow();
        long owned = b.frames.framesOwned(1);
        assertEquals(pa, b.vm.unmap(1, VA));
        assertEquals(owned - 1, b.frames.framesOwned(1));
        assertEquals(0, cpu.read32(VA));
        assertEquals(2, b.vm.counters(1).minorFaults());
    }

    @Test
    void aKernelRegionIsFilledWithKernelFramesAndSeenFromEverySpace() {
        b.vm.createSpace(1);
        long va = KernelLayout.HEAP_WINDOW + 0x100000;
        b.vm.reserve(FrameAllocator.KERNEL, va, 8 * 4096, Prot.WRITE);
        CpuContext cpu = b.run("syscall", 1, 0);
        cpu.write32(va, 9);
        long pa = b.vm.physical(FrameAllocator.KERNEL, va).orElseThrow();
        assertEquals(FrameAllocator.KERNEL, b.frames.block(pa >>> 12).owner());
        assertEquals(1, b.vm.counters(FrameAllocator.KERNEL).minorFaults());
        cpu.setCpl(3);
        assertFaults(P | US, cpu, va, AccessKind.READ);
    }

    @Test
    void protectingPartOfARegionSplitsIt() {
        b.vm.createSpace(1);
        b.vm.reserve(1, VA, 4 * 4096, RWU);
        b.vm.protect(1, VA + 4096, 2 * 4096, Prot.USER);
        assertEquals(List.of(new Region(VA, 4096, RWU), new Region(VA + 4096, 2 * 4096, Prot.USER),
                new Region(VA + 3 * 4096, 4096, RWU)), b.vm.regions(1));
        CpuContext cpu = b.run("cpu", 1, 3);
        cpu.write32(VA, 1);
        assertFaults(WR | US, cpu, VA + 4096, AccessKind.WRITE);
        cpu.write32(VA + 3 * 4096, 1);
    }

    @Test
    void protectingARegionBackMergesIt() {
        b.vm.createSpace(1);
        b.vm.reserve(1, VA, 4 * 4096, RWU);
        b.vm.protect(1, VA + 4096, 4096, Prot.USER);
        b.vm.protect(1, VA + 4096, 4096, RWU);
        assertEquals(List.of(new Region(VA, 4 * 4096, RWU)), b.vm.regions(1));
    }

    @Test
    void overlappingRegionsAreRefused() {
        b.vm.createSpace(1);
        b.vm.reserve(1, VA, 4 * 4096, RWU);
        assertThrows(IllegalArgumentException.class, () -> b.vm.reserve(1, VA + 3 * 4096, 4096, RWU));
        b.vm.reserve(1, VA + 4 * 4096, 4096, Prot.USER);
        assertEquals(2, b.vm.regions(1).size());
    }

    @Test
    void contextsTouchingTheSameRegionAtOnceFillEachPageOnce() throws Exception {
        b.vm.createSpace(1);
        int pages = 64;
        b.vm.reserve(1, VA, pages * 4096L, RWU);
        List<CompletableFuture<Void>> runs = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            String name = "cpu" + t;
            int value = t + 1;
            runs.add(CompletableFuture.runAsync(() -> {
                CpuContext cpu = b.run(name, 1, 3);
                for (int p = 0; p < pages; p++) {
                    cpu.write32(VA + p * 4096L + 4 * value, value);
                }
            }));
        }
        for (CompletableFuture<Void> run : runs) {
            run.get(30, TimeUnit.SECONDS);
        }
        assertEquals(pages, b.vm.counters(1).minorFaults());
        HashSet<Long> frames = new HashSet<>();
        for (int p = 0; p < pages; p++) {
            long pa = b.vm.physical(1, VA + p * 4096L).orElseThrow();
            assertTrue(frames.add(pa));
            for (int t = 1; t <= 4; t++) {
                assertEquals(t, b.machine.physical().read32(pa + 4 * t), "page " + p + ", writer " + t);
            }
        }
        assertNotEquals(0, frames.size());
    }
}
