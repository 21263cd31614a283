package org.clkernel.supervisor;

import static org.clkernel.api.paging.KernelLayout.DIRECT_MAP;

import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.physical.Gfp;
import org.clkernel.heap.KernelHeapService;
import org.clkernel.machine.EmulatedMachine;
import org.clkernel.paging.space.VirtualMemoryService;
import org.clkernel.physical.BuddyFrameAllocator;

/** A machine with the frame allocator, paging, the heap and the leak detector on it, as the bundles start them. */
final class BootedKernel {
    final EmulatedMachine machine;
    final BuddyFrameAllocator frames;
    final VirtualMemoryService vm;
    final KernelHeapService heap;
    final LeakScanService detector;

    BootedKernel() {
        this(32);
    }

    BootedKernel(int ramMiB) {
        machine = new EmulatedMachine(ramMiB, EmulatedMachine.DEFAULT_TLB_ENTRIES, 0);
        frames = new BuddyFrameAllocator(machine);
        vm = new VirtualMemoryService(machine, frames);
        heap = new KernelHeapService(machine, frames, vm);
        detector = new LeakScanService(machine, vm, heap);
    }

    /** Kernel pages in the direct map, zeroed: a stand-in for the kernel's data section. */
    long directMapPages(int order) {
        long pfn = frames.allocate(order, FrameAllocator.KERNEL, Gfp.ZERO);
        if (pfn < 0) {
            throw new IllegalStateException("no frames");
        }
        return DIRECT_MAP + (pfn << 12);
    }

    private long physical(long va) {
        if (va < org.clkernel.api.paging.KernelLayout.HEAP_WINDOW) {
            return va - DIRECT_MAP;
        }
        return vm.physical(FrameAllocator.KERNEL, va).orElseThrow();
    }

    /** Stores a 32-bit little-endian word at a kernel virtual address, as the kernel would. */
    void write32(long va, long value) {
        machine.physical().write32(physical(va), (int) value);
    }

    long read32(long va) {
        return machine.physical().read32(physical(va)) & 0xFFFFFFFFL;
    }
}
