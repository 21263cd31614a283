package org.clkernel.itests;

import java.util.ArrayList;
import java.util.List;

import org.clkernel.api.machine.MemoryRegion;
import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.machine.RegionType;

/**
 * Reads the memory map out of a Multiboot information structure in RAM, as a kernel does at entry.
 *
 * <p>The offsets are written out here from the Multiboot 0.6.96 specification rather than taken from
 * {@code org.clkernel.api.x86.Multiboot}: this reader is the independent side of the comparison, so
 * a wrong constant in the API shows up as a mismatch instead of being shared by both sides.
 */
final class MultibootMemoryMap {
    static final int FLAGS = 0;
    static final int MEM_LOWER = 4;
    static final int MEM_UPPER = 8;
    static final int MMAP_LENGTH = 44;
    static final int MMAP_ADDR = 48;
    static final int FLAG_MEM = 1;
    static final int FLAG_MMAP = 1 << 6;
    /** The smallest {@code size} an entry can have: base (8), length (8) and type (4). */
    static final int MIN_ENTRY_SIZE = 20;

    private MultibootMemoryMap() {
    }

    /**
     * The entries {@code {u32 size; u64 base_addr; u64 length; u32 type}} from {@code mmap_addr} for
     * {@code mmap_length} bytes; the next entry starts {@code size + 4} bytes after this one.
     */
    static List<MemoryRegion> read(PhysicalMemory ram, long info) {
        int flags = ram.read32(info + FLAGS);
        if ((flags & FLAG_MMAP) == 0) {
            throw new AssertionError(String.format("Multiboot flags 0x%x at 0x%x lack bit 6 (mmap)", flags, info));
        }
        long address = u32(ram.read32(info + MMAP_ADDR));
        long end = address + u32(ram.read32(info + MMAP_LENGTH));
        List<MemoryRegion> regions = new ArrayList<>();
        for (long entry = address; entry < end; ) {
            long size = u32(ram.read32(entry));
            if (size < MIN_ENTRY_SIZE) {
                throw new AssertionError(String.format("mmap entry at 0x%x has size %d", entry, size));
            }
            long base = ram.read64(entry + 4);
            long length = ram.read64(entry + 12);
            int type = ram.read32(entry + 20);
            regions.add(new MemoryRegion(base, length, RegionType.of(type)));
            entry += size + 4;
        }
        return regions;
    }

    /** mem_upper: KiB of memory from 1 MiB up to the first hole; valid when flags bit 0 is set. */
    static long memUpperKiB(PhysicalMemory ram, long info) {
        if ((ram.read32(info + FLAGS) & FLAG_MEM) == 0) {
            throw new AssertionError("Multiboot flags lack bit 0 (mem_lower/mem_upper)");
        }
        return u32(ram.read32(info + MEM_UPPER));
    }

    /** mem_lower: KiB of memory from 0 up to the first hole below 640 KiB. */
    static long memLowerKiB(PhysicalMemory ram, long info) {
        return u32(ram.read32(info + MEM_LOWER));
    }

    private static long u32(int value) {
        return value & 0xFFFFFFFFL;
    }
}
