package org.clkernel.paging.space;

import static org.clkernel.api.x86.Paging.PAGE_SIZE;
import static org.clkernel.api.x86.Paging.RW;
import static org.clkernel.api.x86.Paging.US;
import static org.clkernel.paging.space.Entries.frame;
import static org.clkernel.paging.space.Entries.present;

import org.clkernel.api.paging.KernelLayout;
import org.clkernel.api.paging.Region;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.physical.Gfp;
import org.clkernel.api.x86.Paging;
import org.clkernel.paging.space.SpaceTable.Counter;

/**
 * Mapping, unmapping and protecting pages, mapping I/O and reserving regions, on arguments the
 * service has checked. Callers hold the state's monitor. A change that takes rights away is shot
 * down before the call returns; one that only adds rights is not (a context still holding the old
 * entry takes a spurious fault, which the fault handler retries).
 */
final class Mappings {
    private final PagingState s;
    private final Pager pager;

    Mappings(PagingState state, Pager pager) {
        this.s = state;
        this.pager = pager;
    }

    private static boolean kernel(int actor) {
        return actor == FrameAllocator.KERNEL;
    }

    /** va's page table in the actor's half, made when missing: its address, or the allocator's negative answer. */
    private long tableOrNone(int actor, long va) {
        return kernel(actor) ? s.kernel.table(va) : s.tables.userTable(s.spaces.directory(actor), va, actor);
    }

    /** va's page table in the actor's half, made when missing, or a clear refusal. */
    private long table(int actor, long va) {
        long table = tableOrNone(actor, va);
        if (table == FrameAllocator.OVER_QUOTA) {
            throw new IllegalStateException("actor " + actor + " is at its frame quota: no frame for a page table");
        }
        if (table < 0) {
            throw new IllegalStateException("out of memory: no frame for a page table");
        }
        return table;
    }

    void map(int actor, long va, long pa, int prot) {
        long at = table(actor, va) + 4L * Paging.ptIndex(va);
        int old = s.ram.read32(at);
        if (present(old)) {
            throw new IllegalArgumentException(String.format("0x%08x is mapped already (to 0x%08x); unmap it first",
                    va, frame(old)));
        }
        if (Entries.swapped(old)) {
            throw new IllegalArgumentException(String.format("0x%08x holds a page that is swapped out; unmap it first", va));
        }
        s.tables.write(at, Entries.pte(pa, prot, kernel(actor), false));
    }

    /**
     * Fills a page of a kernel region with a zeroed frame (user regions are the {@link Pager}'s).
     * @return false when no frame is to be had
     */
    boolean fill(int actor, long va, int prot) {
        long pfn = s.frames.allocate(0, actor, Gfp.ZERO);
        if (pfn < 0) {
            return false;
        }
        long table = tableOrNone(actor, va);
        if (table < 0) {
            s.frames.free(pfn, 0, actor);
            return false;
        }
        s.tables.write(table + 4L * Paging.ptIndex(va), Entries.pte(pfn << 12, prot, kernel(actor), true));
        s.spaces.count(actor, Counter.MINOR_FAULTS, 1);
        return true;
    }

    long unmap(int actor, long va) {
        long at = s.tables.pteAddress(s.spaces.directory(actor), va);
        if (at < 0) {
            return -1;
        }
        int old = s.tables.update(at, e -> 0);
        if (!present(old)) {
            pager.unmapped(actor, va, old); // a swapped page gives its slot back
            return -1;
        }
        shootDown(actor, va);
        if ((old & Entries.ANONYMOUS) != 0) {
            pager.unmapped(actor, va, old);
            s.tables.freeFrame(frame(old), actor);
        }
        return frame(old);
    }

    int protect(int actor, long va, long length, int prot) {
        long directory = s.spaces.directory(actor);
        int changed = 0;
        long end = va + length;
        for (long page = va; page < end; page += PAGE_SIZE) {
            long at = s.tables.pteAddress(directory, page);
            if (at < 0) {
                page = (page | (Paging.LARGE_PAGE_SIZE - 1)) - (PAGE_SIZE - 1); // on to the next table
                continue;
            }
            int old = s.tables.update(at, e -> present(e) ? (e & ~(RW | US)) | prot : e);
            if (!present(old) || (old & (RW | US)) == prot) {
                continue;
            }
            changed++;
            if ((old & ~prot & (RW | US)) != 0) {
                shootDown(actor, page);
            }
        }
        long regions = s.spaces.regions(actor);
        if (regions != 0) {
            new RegionList(s.ram, regions).protect(va, end, prot);
        }
        return changed;
    }

    long mapIo(long pa, long length) {
        long first = pa & -PAGE_SIZE;
        long pages = (pa + length - first + PAGE_SIZE - 1) / PAGE_SIZE;
        long va = s.spaces.ioNext();
        long end = va + pages * PAGE_SIZE;
        if (end + PAGE_SIZE > KernelLayout.IO_WINDOW_END) {
            throw new IllegalStateException(String.format("the MMIO window has no room left for %d pages and a guard page", pages));
        }
        for (long t = va & -Paging.LARGE_PAGE_SIZE; t < end; t += Paging.LARGE_PAGE_SIZE) {
            table(FrameAllocator.KERNEL, t); // every table first: a failure maps nothing
        }
        long directory = s.spaces.directory(FrameAllocator.KERNEL);
        for (long p = 0; p < pages; p++) {
            s.tables.write(s.tables.pteAddress(directory, va + p * PAGE_SIZE), Entries.ioPte(first + p * PAGE_SIZE));
        }
        s.spaces.setIoNext(end + PAGE_SIZE); // the guard page stays unmapped
        return va + (pa - first);
    }

    void reserve(int actor, Region region) {
        long list = s.spaces.regions(actor);
        if (list == 0) {
            list = s.tables.newFrame(actor);
            if (list < 0) {
                throw new IllegalStateException(list == FrameAllocator.OVER_QUOTA
                        ? "actor " + actor + " is at its frame quota: no frame for its region list"
                        : "out of memory: no frame for a region list");
            }
            s.spaces.setRegions(actor, list);
        }
        new RegionList(s.ram, list).add(region);
    }

    /** Kernel-half addresses are only ever the kernel's, so the actor is the space whose counter counts. */
    private void shootDown(int actor, long va) {
        s.spaces.count(actor, Counter.TLB_SHOOTDOWNS, s.shootdowns.page(actor, va));
    }
}
