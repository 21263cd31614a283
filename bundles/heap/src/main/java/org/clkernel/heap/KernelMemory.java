package org.clkernel.heap;

import static org.clkernel.api.paging.KernelLayout.HEAP_WINDOW;
import static org.clkernel.api.paging.KernelLayout.HEAP_WINDOW_END;

import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.paging.Prot;
import org.clkernel.api.paging.VirtualMemory;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.physical.Gfp;

/**
 * The kernel heap window in emulated RAM. Each heap page's frame is found once by a software walk
 * of the kernel's page tables and kept in a Java cache, which a new instance rebuilds on use. The
 * heap grows by mapping zeroed kernel frames, one page at a time; a growth that cannot be completed
 * (no frame, no page table, the window used up) is undone, so the heap grows by all the pages asked
 * for or not at all.
 */
final class KernelMemory extends HeapMemory {
    private final PhysicalMemory ram;
    private final VirtualMemory vm;
    private final FrameAllocator frames;
    /** Physical address of each window page, 0 when not looked up yet. */
    private final long[] pages = new long[(int) ((HEAP_WINDOW_END - HEAP_WINDOW) / PAGE)];

    KernelMemory(PhysicalMemory ram, VirtualMemory vm, FrameAllocator frames) {
        this.ram = ram;
        this.vm = vm;
        this.frames = frames;
    }

    /** The physical address of a heap address, on a page the heap has mapped. */
    long physical(long va) {
        int page = (int) ((va - HEAP_WINDOW) >>> 12);
        long frame = pages[page];
        if (frame == 0) {
            long pa = vm.physical(FrameAllocator.KERNEL, va & ~(PAGE - 1)).orElseThrow(() -> new IllegalStateException(
                    String.format("heap page 0x%x is not mapped", va & ~(PAGE - 1))));
            pages[page] = frame = pa;
        }
        return frame + (va & (PAGE - 1));
    }

    @Override
    int read32(long va) {
        return ram.read32(physical(va));
    }

    @Override
    void write32(long va, int value) {
        ram.write32(physical(va), value);
    }

    @Override
    long read64(long va) {
        return ram.read64(physical(va));
    }

    @Override
    void write64(long va, long value) {
        ram.write64(physical(va), value);
    }

    @Override
    void read(long va, byte[] into, int offset, int length) {
        byPage(va, length, (pa, done, n) -> ram.read(pa, into, offset + (int) done, n));
    }

    @Override
    void write(long va, byte[] from, int offset, int length) {
        byPage(va, length, (pa, done, n) -> ram.write(pa, from, offset + (int) done, n));
    }

    @Override
    void zero(long va, long length) {
        byPage(va, length, (pa, done, n) -> ram.zero(pa, n));
    }

    @Override
    boolean map(long va, long count) {
        if (va < HEAP_WINDOW || va + count * PAGE > HEAP_WINDOW_END) {
            return false;
        }
        for (long i = 0; i < count; i++) {
            if (!mapOne(va + i * PAGE)) {
                unmap(va, i);
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

    private void unmap(long from, long count) {
        for (long i = 0; i < count; i++) {
            long va = from + i * PAGE;
            long pa = vm.unmap(FrameAllocator.KERNEL, va);
            pages[(int) ((va - HEAP_WINDOW) >>> 12)] = 0;
            frames.free(pa >>> 12, 0, FrameAllocator.KERNEL);
        }
    }

    /** Runs {@code access} on each piece of a range that lies in one page. */
    private void byPage(long va, long length, PageAccess access) {
        for (long done = 0; done < length;) {
            long at = va + done;
            int n = (int) Math.min(length - done, PAGE - (at & (PAGE - 1)));
            access.run(physical(at), done, n);
            done += n;
        }
    }

    /** One piece of a range: its physical address, the bytes of the range before it, its length. */
    @FunctionalInterface
    private interface PageAccess {
        void run(long pa, long done, int length);
    }
}
