package org.clkernel.supervisor;

import static org.clkernel.api.paging.KernelLayout.DIRECT_MAP;
import static org.clkernel.api.paging.KernelLayout.DIRECT_MAP_MAX;
import static org.clkernel.api.paging.KernelLayout.HEAP_WINDOW;
import static org.clkernel.api.paging.KernelLayout.HEAP_WINDOW_END;

import java.util.HashMap;
import java.util.Map;

import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.paging.VirtualMemory;
import org.clkernel.api.physical.FrameAllocator;

/**
 * Reads kernel virtual memory a page at a time through the physical bus: a direct-map page by
 * subtracting the map's base, a heap page by one walk of the kernel's page tables, remembered for
 * the rest of the scan.
 */
final class KernelReader {
    static final int PAGE = 4096;
    private static final long UNMAPPED = -1;

    private final PhysicalMemory physical;
    private final VirtualMemory vm;
    private final Map<Long, Long> heapPages = new HashMap<>();
    final byte[] page = new byte[PAGE];

    KernelReader(PhysicalMemory physical, VirtualMemory vm) {
        this.physical = physical;
        this.vm = vm;
    }

    static boolean isKernelData(long address, long length) {
        long end = address + length;
        return length > 0 && (address >= DIRECT_MAP && end <= DIRECT_MAP + DIRECT_MAP_MAX
                || address >= HEAP_WINDOW && end <= HEAP_WINDOW_END);
    }

    /**
     * Reads the part of one page from {@code address} (up to {@code length} bytes, not past the
     * page's end) into {@link #page} at the same offset it has in the page.
     *
     * @return bytes covered, or the negated count when the page is not mapped (nothing read)
     */
    int readChunk(long address, long length) {
        int offset = (int) (address & (PAGE - 1));
        int n = (int) Math.min(length, PAGE - offset);
        long frame = frameOf(address & ~(long) (PAGE - 1));
        if (frame == UNMAPPED) {
            return -n;
        }
        physical.read(frame + offset, page, offset, n);
        return n;
    }

    private long frameOf(long pageAddress) {
        if (pageAddress >= DIRECT_MAP && pageAddress < DIRECT_MAP + DIRECT_MAP_MAX) {
            long pa = pageAddress - DIRECT_MAP;
            return pa < physical.ramSize() ? pa : UNMAPPED;
        }
        return heapPages.computeIfAbsent(pageAddress,
                va -> vm.physical(FrameAllocator.KERNEL, va).orElse(UNMAPPED));
    }
}
