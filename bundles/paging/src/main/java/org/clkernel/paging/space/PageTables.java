package org.clkernel.paging.space;

import static org.clkernel.api.x86.Paging.FRAME_4M;
import static org.clkernel.api.x86.Paging.PS;
import static org.clkernel.paging.space.Entries.frame;
import static org.clkernel.paging.space.Entries.present;

import java.util.function.IntUnaryOperator;

import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.paging.KernelLayout;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.physical.Gfp;
import org.clkernel.api.x86.Paging;

/**
 * Page directories and page tables in RAM, one directory at a time: finding and making tables,
 * changing entries, walking in software and tearing down a user half.
 *
 * <p>An entry that a CPU may be walking is changed with compare-and-set, so that an A or D flag
 * the MMU sets in between is neither lost nor resurrected.
 */
final class PageTables {
    private final PhysicalMemory ram;
    private final FrameAllocator frames;

    PageTables(PhysicalMemory ram, FrameAllocator frames) {
        this.ram = ram;
        this.frames = frames;
    }

    static long pdeAddress(long directory, long va) {
        return directory + 4L * Paging.pdIndex(va);
    }

    int pde(long directory, long va) {
        return ram.read32(pdeAddress(directory, va));
    }

    /** The address of va's PTE, or -1 when its PDE holds no table. */
    long pteAddress(long directory, long va) {
        int pde = pde(directory, va);
        if (!present(pde) || (pde & PS) != 0) {
            return -1;
        }
        return frame(pde) + 4L * Paging.ptIndex(va);
    }

    /** va's PTE, or 0 when there is none. */
    int pte(long directory, long va) {
        long at = pteAddress(directory, va);
        return at < 0 ? 0 : ram.read32(at);
    }

    /** A zeroed frame owned by {@code owner}: its physical address, or the allocator's negative answer. */
    long newFrame(int owner) {
        long pfn = frames.allocate(0, owner, Gfp.ZERO);
        return pfn < 0 ? pfn : pfn << 12;
    }

    void freeFrame(long address, int owner) {
        frames.free(address >>> 12, 0, owner);
    }

    /** va's user page table, made (a frame of the actor) when missing: its address, or -1 without a frame. */
    long userTable(long directory, long va, int actor) {
        int pde = pde(directory, va);
        if (present(pde)) {
            return frame(pde);
        }
        long table = newFrame(actor);
        if (table >= 0) {
            ram.write32(pdeAddress(directory, va), Entries.userPde(table));
        }
        return table;
    }

    /** Changes an entry atomically. @return the entry before the change */
    int update(long address, IntUnaryOperator change) {
        while (true) {
            int old = ram.read32(address);
            int next = change.applyAsInt(old);
            if (old == next || ram.compareAndSet32(address, old, next)) {
                return old;
            }
        }
    }

    void write(long address, int entry) {
        ram.write32(address, entry);
    }

    /** The software walk: va's physical address, or -1 when it is not mapped. */
    long translate(long directory, long va) {
        int pde = pde(directory, va);
        if (!present(pde)) {
            return -1;
        }
        if ((pde & PS) != 0) {
            return (pde & FRAME_4M & 0xFFFFFFFFL) | (va & (Paging.LARGE_PAGE_SIZE - 1));
        }
        int pte = pte(directory, va);
        return present(pte) ? frame(pte) | (va & (Paging.PAGE_SIZE - 1)) : -1;
    }

    /** The linear page numbers of the pageable pages of a user half, in address order. */
    long[] pageable(long directory) {
        long[] pages = new long[64];
        int n = 0;
        for (int i = 0; i < KernelLayout.KERNEL_PDE; i++) {
            int pde = ram.read32(directory + 4L * i);
            if (!present(pde)) {
                continue;
            }
            long table = frame(pde);
            for (int j = 0; j < Paging.ENTRIES_PER_TABLE; j++) {
                if (Entries.pageable(ram.read32(table + 4L * j))) {
                    if (n == pages.length) {
                        pages = java.util.Arrays.copyOf(pages, 2 * n);
                    }
                    pages[n++] = (long) i << 10 | j;
                }
            }
        }
        return java.util.Arrays.copyOf(pages, n);
    }

    /** Frees the pages filled on demand and the tables of a user half. @return frames freed */
    long freeUserHalf(long directory, int actor) {
        long freed = 0;
        for (int i = 0; i < KernelLayout.KERNEL_PDE; i++) {
            int pde = ram.read32(directory + 4L * i);
            if (!present(pde)) {
                continue;
            }
            long table = frame(pde);
            for (int j = 0; j < Paging.ENTRIES_PER_TABLE; j++) {
                int pte = ram.read32(table + 4L * j);
                if (present(pte) && (pte & Entries.ANONYMOUS) != 0) {
                    freeFrame(frame(pte), actor);
                    freed++;
                }
            }
            ram.write32(directory + 4L * i, 0);
            freeFrame(table, actor);
            freed++;
        }
        return freed;
    }
}
