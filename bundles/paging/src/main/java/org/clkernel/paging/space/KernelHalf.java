package org.clkernel.paging.space;

import static org.clkernel.api.paging.KernelLayout.KERNEL_PDE;
import static org.clkernel.paging.space.Entries.frame;
import static org.clkernel.paging.space.Entries.present;

import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.paging.KernelLayout;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.x86.Paging;

/**
 * The half every directory shares: PDEs 768-1023 are equal in all of them. The direct map is
 * global 4 MiB pages written once at boot; the windows get kernel page tables on demand, and a new
 * kernel table's PDE goes into every directory at once, so a kernel mapping is seen from every
 * space whenever it was made. Kernel tables are never freed.
 */
final class KernelHalf {
    private final PhysicalMemory ram;
    private final PageTables tables;
    private final SpaceTable spaces;

    KernelHalf(PhysicalMemory ram, PageTables tables, SpaceTable spaces) {
        this.ram = ram;
        this.tables = tables;
        this.spaces = spaces;
    }

    /** RAM below 256 MiB, in whole 4 MiB pages (a last partial one included). */
    static long directMapBytes(long ramSize) {
        long rounded = (ramSize + Paging.LARGE_PAGE_SIZE - 1) & -Paging.LARGE_PAGE_SIZE;
        return Math.min(rounded, KernelLayout.DIRECT_MAP_MAX);
    }

    static void writeDirectMap(PhysicalMemory ram, long directory, long bytes) {
        for (long pa = 0; pa < bytes; pa += Paging.LARGE_PAGE_SIZE) {
            ram.write32(PageTables.pdeAddress(directory, KernelLayout.DIRECT_MAP + pa), Entries.directMapPde(pa));
        }
    }

    /** What a direct-map PDE must be for the page at this index of the kernel half, or 0 beyond it. */
    int expectedDirectMapPde(int pdIndex) {
        long pa = (long) (pdIndex - KERNEL_PDE) << Paging.LARGE_PAGE_SHIFT;
        return pa < spaces.directMapBytes() ? Entries.directMapPde(pa) : 0;
    }

    private long kernelDirectory() {
        return spaces.directory(FrameAllocator.KERNEL);
    }

    /** Gives a new directory the kernel half. */
    void copyInto(long directory) {
        long from = kernelDirectory();
        for (int i = KERNEL_PDE; i < Paging.ENTRIES_PER_TABLE; i++) {
            ram.write32(directory + 4L * i, ram.read32(from + 4L * i));
        }
    }

    /** va's kernel page table, made and entered in every directory when missing; -1 without a frame. */
    long table(long va) {
        int pde = tables.pde(kernelDirectory(), va);
        if (present(pde)) {
            return frame(pde);
        }
        long table = tables.newFrame(FrameAllocator.KERNEL);
        if (table < 0) {
            return -1;
        }
        int entry = Entries.kernelPde(table);
        for (int actor : spaces.actors()) {
            ram.write32(PageTables.pdeAddress(spaces.directory(actor), va), entry);
        }
        return table;
    }
}
