package org.clkernel.heap;

import static org.clkernel.api.paging.KernelLayout.HEAP_WINDOW;
import static org.clkernel.api.paging.KernelLayout.HEAP_WINDOW_END;

import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.paging.VirtualMemory;

/**
 * Loads and stores at kernel heap addresses. Each heap page's frame is found once by a software
 * walk of the kernel's page tables and kept in a Java cache, which a new instance rebuilds on use.
 * Word accesses are 4-byte aligned and so never cross a page; bulk ones are split at pages.
 */
final class HeapMemory {
    static final long PAGE = 4096;

    private final PhysicalMemory ram;
    private final VirtualMemory vm;
    /** Physical address of each window page, 0 when not looked up yet. */
    private final long[] frames = new long[(int) ((HEAP_WINDOW_END - HEAP_WINDOW) / PAGE)];

    HeapMemory(PhysicalMemory ram, VirtualMemory vm) {
        this.ram = ram;
        this.vm = vm;
    }

    /** The physical address of a heap address, on a page the heap has mapped. */
    long physical(long va) {
        int page = (int) ((va - HEAP_WINDOW) / PAGE);
        long frame = frames[page];
        if (frame == 0) {
            long pa = vm.physical(0, va & ~(PAGE - 1)).orElseThrow(() -> new IllegalStateException(
                    String.format("heap page 0x%x is not mapped", va & ~(PAGE - 1))));
            frames[page] = frame = pa;
        }
        return frame + (va & (PAGE - 1));
    }

    /** Forgets a page's frame, after it is unmapped. */
    void forget(long va) {
        frames[(int) ((va - HEAP_WINDOW) / PAGE)] = 0;
    }

    int read32(long va) {
        return ram.read32(physical(va));
    }

    void write32(long va, int value) {
        ram.write32(physical(va), value);
    }

    long read64(long va) {
        return ram.read64(physical(va));
    }

    void write64(long va, long value) {
        ram.write64(physical(va), value);
    }

    void read(long va, byte[] into, int offset, int length) {
        byPage(va, length, (pa, done, n) -> ram.read(pa, into, offset + (int) done, n));
    }

    void write(long va, byte[] from, int offset, int length) {
        byPage(va, length, (pa, done, n) -> ram.write(pa, from, offset + (int) done, n));
    }

    void zero(long va, long length) {
        byPage(va, length, (pa, done, n) -> ram.zero(pa, n));
    }

    /** Copies {@code length} bytes; the ranges do not overlap. */
    void copy(long from, long to, long length) {
        byte[] buffer = new byte[(int) Math.min(length, PAGE)];
        for (long done = 0; done < length; done += buffer.length) {
            int n = (int) Math.min(buffer.length, length - done);
            read(from + done, buffer, 0, n);
            write(to + done, buffer, 0, n);
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
