package org.clkernel.heap;

import org.clkernel.api.paging.KernelLayout;
import org.clkernel.api.paging.Prot;
import org.clkernel.api.paging.VirtualMemory;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.physical.Gfp;

/**
 * Maps kernel frames at the top of the heap, one page at a time. A growth that cannot be completed
 * (no frame, no page table, the window used up) is undone, so the heap either grows by all the
 * pages asked for or not at all.
 */
final class HeapGrowth {
    private final FrameAllocator frames;
    private final VirtualMemory vm;
    private final HeapMemory m;

    HeapGrowth(FrameAllocator frames, VirtualMemory vm, HeapMemory m) {
        this.frames = frames;
        this.vm = vm;
        this.m = m;
    }

    /** Maps {@code pages} zeroed pages from {@code top}. @return whether all were mapped */
    boolean map(long top, long pages) {
        if (top + pages * HeapMemory.PAGE > KernelLayout.HEAP_WINDOW_END) {
            return false;
        }
        for (long i = 0; i < pages; i++) {
            if (!mapOne(top + i * HeapMemory.PAGE)) {
                unmap(top, i);
                return false;
            }
        }
        return true;
    }

    private boolean mapOne(long va) {
        long pfn = frames.allocate(0, FrameAllocator.KERNEL, Gfp.ZERO);
        if (pfn < 0) {
            return false;
        }
        try {
            vm.map(FrameAllocator.KERNEL, va, pfn << 12, Prot.WRITE);
            return true;
        } catch (IllegalStateException noPageTable) {
            frames.free(pfn, 0, FrameAllocator.KERNEL);
            return false;
        }
    }

    private void unmap(long from, long pages) {
        for (long i = 0; i < pages; i++) {
            long va = from + i * HeapMemory.PAGE;
            long pa = vm.unmap(FrameAllocator.KERNEL, va);
            m.forget(va);
            frames.free(pa >>> 12, 0, FrameAllocator.KERNEL);
        }
    }
}
