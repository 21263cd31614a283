package org.clkernel.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.clkernel.api.CheckResult;
import org.clkernel.machine.EmulatedMachine;
import org.clkernel.paging.space.VirtualMemoryService;
import org.clkernel.physical.BuddyFrameAllocator;

/** A machine with the frame allocator, paging and the heap on it, as the bundles start them. */
final class BootedHeap {
    static final int RAM_MIB = 32;

    final EmulatedMachine machine;
    final BuddyFrameAllocator frames;
    final VirtualMemoryService vm;
    /** The heap instance in service: the one {@link #restart} made last. */
    KernelHeapService heap;
    /** The heap's memory as the kernel sees it, for filling and reading blocks. */
    final HeapMemory memory;

    BootedHeap() {
        machine = new EmulatedMachine(RAM_MIB, EmulatedMachine.DEFAULT_TLB_ENTRIES, 0);
        frames = new BuddyFrameAllocator(machine);
        vm = new VirtualMemoryService(machine, frames);
        heap = new KernelHeapService(machine, frames, vm);
        memory = new KernelMemory(machine.physical(), vm, frames);
    }

    /**
     * The heap with poison and quarantine off, so that a freed block is reusable at once: for tests
     * of placement, which expect the block just freed to serve the next request.
     */
    static BootedHeap withoutQuarantine() {
        BootedHeap h = new BootedHeap();
        h.heap.configure(java.util.Map.of("poison", "false"));
        return h;
    }

    /** A second heap instance on the same machine, as after a bundle restart, configured as the first. */
    KernelHeapService restart() {
        var c = heap.checks();
        heap = new KernelHeapService(machine, frames, vm, java.util.Map.of("poison", String.valueOf(c.poison()),
                "quarantine.bytes", String.valueOf(c.quarantineBytes()), "zero.on.free", String.valueOf(c.zeroOnFree()),
                "check.canary", String.valueOf(c.canary())), null);
        return heap;
    }

    void fill(long address, long length, int value) {
        byte[] bytes = new byte[(int) length];
        Arrays.fill(bytes, (byte) value);
        memory.write(address, bytes, 0, bytes.length);
    }

    /** Every byte of the range holds {@code value}. */
    void assertFilled(long address, long length, int value) {
        byte[] bytes = new byte[(int) length];
        memory.read(address, bytes, 0, bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            assertEquals((byte) value, bytes[i], String.format("byte at 0x%x", address + i));
        }
    }

    void assertIntact() {
        CheckResult result = heap.check();
        assertTrue(result.isOk(), result.toString());
    }
}
