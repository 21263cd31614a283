package org.clkernel.paging.space;

import static org.clkernel.api.x86.PageFaultError.P;
import static org.clkernel.api.x86.PageFaultError.US;
import static org.clkernel.api.x86.PageFaultError.WR;
import static org.clkernel.paging.space.Booted.assertFaults;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;

import org.clkernel.api.machine.AccessKind;
import org.clkernel.api.machine.CpuContext;
import org.clkernel.api.machine.TlbEntry;
import org.clkernel.api.paging.KernelLayout;
import org.clkernel.api.paging.Prot;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.x86.Paging;
import org.clkernel.machine.EmulatedMachine;
import org.clkernel.physical.BuddyFrameAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The kernel half: the direct map, the shared kernel tables of the heap window, and map_io. */
class KernelHalfTest {
    static final int KERNEL = FrameAllocator.KERNEL;
    static final long HEAP = KernelLayout.HEAP_WINDOW;

    final Booted b = new Booted();

    @AfterEach
    void intact() {
        b.assertIntact();
    }

    @Test
    void theDirectMapReachesLowMemoryThroughGlobalLargePages() {
        CpuContext cpu = b.run("kernel", KERNEL, 0);
        b.machine.physical().write32(0x345678, 0x600D);
        assertEquals(0x600D, cpu.read32(KernelLayout.directMap(0x345678)));
        TlbEntry entry = cpu.tlbEntries().get(0);
        assertTrue(entry.largePage() && entry.global() && !entry.user(), entry.toString());
    }

    @Test
    void theDirectMapCoversInstalledRamOnly() {
        long ram = (long) Booted.RAM_MIB << 20;
        assertEquals(OptionalLong.of(ram - 1), b.vm.physical(KERNEL, KernelLayout.DIRECT_MAP + ram - 1));
        assertEquals(OptionalLong.empty(), b.vm.physical(KERNEL, KernelLayout.DIRECT_MAP + ram));
    }

    @Test
    void theDirectMapStopsAt256MibOnALargerMachine() {
        EmulatedMachine large = new EmulatedMachine(512);
        VirtualMemoryService vm = new VirtualMemoryService(large, new BuddyFrameAllocator(large));
        long limit = KernelLayout.DIRECT_MAP_MAX;
        assertEquals(OptionalLong.of(limit - 1), vm.physical(KERNEL, KernelLayout.DIRECT_MAP + limit - 1));
        assertEquals(OptionalLong.empty(), vm.physical(KERNEL, KernelLayout.DIRECT_MAP + limit));
        assertTrue(vm.check().isOk(), vm.check().toString());
    }

    @Test
    void userModeAccessToTheKernelHalfFaultsWithUserAndPresentBits() {
        b.vm.createSpace(1);
        CpuContext cpu = b.run("user", 1, 3);
        assertFaults(P | US, cpu, 0xC0001000L, AccessKind.READ);
        assertFaults(P | WR | US, cpu, 0xC0001000L, AccessKind.WRITE);
        b.vm.map(KERNEL, HEAP, b.frame(9), Prot.WRITE);
        assertFaults(P | US, cpu, HEAP, AccessKind.READ);
    }

    @Test
    void aKernelMappingMadeAfterASpaceWasCreatedIsVisibleInIt() {
        b.vm.createSpace(1);
        long pa = b.frame(9);
        b.vm.map(KERNEL, HEAP + 0x5000, pa, Prot.WRITE);
        CpuContext cpu = b.run("syscall", 1, 0);
        cpu.write32(HEAP + 0x5004, 42);
        assertEquals(42, b.machine.physical().read32(pa + 4));
        assertEquals(OptionalLong.of(pa), b.vm.physical(1, HEAP + 0x5000));
    }

    @Test
    void aKernelMappingIsVisibleInASpaceCreatedAfterIt() {
        long pa = b.frame(9);
        b.vm.map(KERNEL, HEAP, pa, Prot.WRITE);
        b.vm.createSpace(1);
        assertEquals(OptionalLong.of(pa), b.vm.physical(1, HEAP));
    }

    @Test
    void everyDirectoryGetsTheNewKernelTable() {
        b.vm.createSpace(1);
        b.vm.createSpace(2);
        b.vm.map(KERNEL, 0xE0000000L, b.frame(9), Prot.WRITE);
        int pde = b.machine.physical().read32(b.vm.space(KERNEL).orElseThrow().pageDirectory() + 4 * (0xE0000000L >>> 22));
        for (int actor : new int[] {1, 2}) {
            long directory = b.vm.space(actor).orElseThrow().pageDirectory();
            assertEquals(pde, b.machine.physical().read32(directory + 4 * (0xE0000000L >>> 22)), "actor " + actor);
        }
    }

    @Test
    void aKernelUnmapIsShotDownInEveryContextWhateverSpaceItRuns() {
        b.vm.createSpace(1);
        b.vm.map(KERNEL, HEAP, b.frame(9), Prot.WRITE);
        CpuContext kernel = b.run("kernel", KERNEL, 0);
        CpuContext user = b.run("user", 1, 0);
        kernel.read32(HEAP);
        user.read32(HEAP);
        b.vm.unmap(KERNEL, HEAP);
        assertFaults(0, kernel, HEAP, AccessKind.READ);
        assertFaults(0, user, HEAP, AccessKind.READ);
        assertEquals(2, b.vm.counters(KERNEL).tlbShootdowns());
    }

    @Test
    void theKernelMapsOnlyInTheHeapWindowAndNeverForUsers() {
        long pa = b.frame(9);
        assertThrows(IllegalArgumentException.class, () -> b.vm.map(KERNEL, 0x1000, pa, Prot.WRITE));
        assertThrows(IllegalArgumentException.class, () -> b.vm.map(KERNEL, 0xC0000000L, pa, Prot.WRITE));
        assertThrows(IllegalArgumentException.class, () -> b.vm.map(KERNEL, KernelLayout.IO_WINDOW, pa, Prot.WRITE));
        assertThrows(IllegalArgumentException.class, () -> b.vm.map(KERNEL, HEAP, pa, Prot.WRITE | Prot.USER));
    }

    @Test
    void mapIoGivesEveryCallItsOwnUncachedRangeWithAGuardPageAfterIt() {
        long vga = b.vm.mapIo(0xB8000, 80 * 25 * 2);
        long apic = b.vm.mapIo(0xFEE00000L, 0x400);
        assertTrue(vga >= KernelLayout.IO_WINDOW && apic >= KernelLayout.IO_WINDOW);
        assertEquals(OptionalLong.of(0xB8000), b.vm.physical(KERNEL, vga));
        assertEquals(OptionalLong.empty(), b.vm.physical(KERNEL, vga + 0x1000), "guard page");
        assertEquals(vga + 0x2000, apic);
        CpuContext cpu = b.run("kernel", KERNEL, 0);
        int pte = cpu.walk(vga).pte();
        assertEquals(Paging.PCD | Paging.PWT, pte & (Paging.PCD | Paging.PWT));
        assertEquals(0, pte & Paging.US);
    }

    @Test
    void mapIoKeepsTheOffsetInThePageAndCoversEveryPageTouched() {
        long va = b.vm.mapIo(0xB8F00, 0x200); // 0xB8F00-0xB90FF: two pages
        assertEquals(0xF00, va & 0xFFF);
        assertEquals(OptionalLong.of(0xB9000), b.vm.physical(KERNEL, va + 0x100));
        assertEquals(OptionalLong.empty(), b.vm.physical(KERNEL, (va & ~0xFFFL) + 0x2000));
    }

    @Test
    void aWriteThroughMapIoReachesTheDevice() {
        long vga = b.vm.mapIo(0xB8000, 80 * 25 * 2);
        CpuContext cpu = b.run("kernel", KERNEL, 0);
        cpu.write16(vga, 0x1F00 | 'K');
        assertEquals(0x1F00 | 'K', b.machine.vga().cell(0, 0));
    }

    @Test
    void mapIoRefusesWhatTheWindowCannotHold() {
        assertThrows(IllegalStateException.class, () -> b.vm.mapIo(0, KernelLayout.IO_WINDOW_END - KernelLayout.IO_WINDOW));
        long va = b.vm.mapIo(0, 0x1000);
        assertEquals(KernelLayout.IO_WINDOW, va, "the refused call took nothing");
    }
}
