package org.clkernel.itests;

import java.util.function.LongUnaryOperator;

import org.clkernel.api.machine.Machine;
import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.paging.KernelLayout;
import org.clkernel.api.paging.VirtualMemory;

/**
 * Reads and writes the bytes at kernel virtual addresses, such as the payload of a heap block,
 * the way a test can: each page's frame by a software walk of the kernel page tables, then the
 * physical memory. A range may span pages whose frames are anywhere, so it is split at pages.
 * Nothing is cached: a test sees the mapping as it is at each access. {@link #directMap} instead
 * reaches the direct map (slab objects) by subtracting its base, as the kernel does.
 *
 * <p>The pattern methods give every block its own bytes, so a block that was moved, overlapped or
 * handed out twice shows up as a mismatch.
 */
final class KernelBytes {
    static final long PAGE = 4096;
    private static final int KERNEL = 0;

    private final LongUnaryOperator toPhysical;
    private final PhysicalMemory ram;

    KernelBytes(VirtualMemory vm, Machine machine) {
        this(machine, va -> vm.physical(KERNEL, va).orElseThrow(() -> new AssertionError(
                String.format("kernel address 0x%x is not mapped", va))));
    }

    private KernelBytes(Machine machine, LongUnaryOperator toPhysical) {
        this.toPhysical = toPhysical;
        this.ram = machine.physical();
    }

    /** Bytes at direct-map addresses: physical = address - {@link KernelLayout#DIRECT_MAP}, no page walk. */
    static KernelBytes directMap(Machine machine) {
        return new KernelBytes(machine, va -> {
            if (va < KernelLayout.DIRECT_MAP || va >= KernelLayout.DIRECT_MAP + KernelLayout.DIRECT_MAP_MAX) {
                throw new AssertionError(String.format("0x%x is not in the direct map", va));
            }
            return va - KernelLayout.DIRECT_MAP;
        });
    }

    int read32(long va) {
        requireOnePage(va, 4);
        return ram.read32(physical(va));
    }

    void write32(long va, int value) {
        requireOnePage(va, 4);
        ram.write32(physical(va), value);
    }

    byte[] read(long va, int length) {
        byte[] bytes = new byte[length];
        for (int done = 0; done < length;) {
            int n = piece(va + done, length - done);
            ram.read(physical(va + done), bytes, done, n);
            done += n;
        }
        return bytes;
    }

    void write(long va, byte[] bytes) {
        for (int done = 0; done < bytes.length;) {
            int n = piece(va + done, bytes.length - done);
            ram.write(physical(va + done), bytes, done, n);
            done += n;
        }
    }

    /** Writes block {@code id}'s pattern over {@code length} bytes. */
    void fill(long va, int length, long id) {
        write(va, pattern(id, length));
    }

    /** The offset of the first byte that is not block {@code id}'s pattern, or -1 when all are. */
    int mismatch(long va, int length, long id) {
        byte[] have = read(va, length);
        for (int i = 0; i < length; i++) {
            if (have[i] != patternByte(id, i)) {
                return i;
            }
        }
        return -1;
    }

    /** The pattern of block {@code id}: its byte {@code offset} depends on both. */
    static byte[] pattern(long id, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = patternByte(id, i);
        }
        return bytes;
    }

    static byte patternByte(long id, int offset) {
        long mixed = (id + 1) * 0x9E3779B97F4A7C15L;
        return (byte) ((mixed >>> 56) + (mixed >>> 24) + offset * 31);
    }

    /** The physical address of a mapped kernel address; a test fails on an unmapped one. */
    long physical(long va) {
        return toPhysical.applyAsLong(va);
    }

    /** Bytes from {@code va} up to the end of its page, at most {@code left}. */
    private static int piece(long va, int left) {
        return (int) Math.min(left, PAGE - (va & (PAGE - 1)));
    }

    private static void requireOnePage(long va, int bytes) {
        if (piece(va, bytes) != bytes) {
            throw new IllegalArgumentException(String.format("0x%x: a %d-byte access crosses a page", va, bytes));
        }
    }
}
