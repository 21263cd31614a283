package org.clkernel.machine;

import static org.clkernel.api.x86.Multiboot.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.clkernel.api.CheckResult;
import org.clkernel.api.machine.MemoryRegion;
import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.machine.RegionType;

/**
 * Writes the Multiboot information structure into low RAM, as a bootloader leaves it for the
 * kernel, and checks it against the firmware map.
 */
final class MultibootInfo {
    /** Where the structure and its tables go: conventional memory, inside the reserved first MiB. */
    static final long INFO = 0x9000L;
    static final long MMAP = 0x9100L;
    static final long CMDLINE = 0x9600L;
    static final long LOADER_NAME = 0x9680L;
    static final String LOADER = "CLKernel/J firmware";
    static final String COMMAND_LINE = "clkernel";

    private MultibootInfo() {
    }

    static void write(PhysicalMemory ram, List<MemoryRegion> map) {
        if (MMAP + (long) map.size() * MMAP_ENTRY_BYTES > CMDLINE) {
            throw new IllegalArgumentException("memory map too long for the Multiboot area");
        }
        long memLowerKiB = map.get(0).length() / 1024;
        long memUpperKiB = map.stream()
                .filter(r -> r.base() == PcMemoryMap.EXTENDED && r.type() == RegionType.USABLE)
                .mapToLong(r -> r.length() / 1024).findFirst().orElse(0);

        ram.write32(INFO + OFF_FLAGS, FLAG_MEM | FLAG_CMDLINE | FLAG_MMAP | FLAG_BOOT_LOADER_NAME);
        ram.write32(INFO + OFF_MEM_LOWER, (int) memLowerKiB);
        ram.write32(INFO + OFF_MEM_UPPER, (int) memUpperKiB);
        ram.write32(INFO + OFF_BOOT_DEVICE, 0xFFFFFFFF);
        ram.write32(INFO + OFF_CMDLINE, (int) CMDLINE);
        ram.write32(INFO + OFF_MMAP_LENGTH, map.size() * MMAP_ENTRY_BYTES);
        ram.write32(INFO + OFF_MMAP_ADDR, (int) MMAP);
        ram.write32(INFO + OFF_BOOT_LOADER_NAME, (int) LOADER_NAME);
        long entry = MMAP;
        for (MemoryRegion r : map) {
            ram.write32(entry, MMAP_ENTRY_SIZE_FIELD);
            ram.write64(entry + MMAP_OFF_BASE, r.base());
            ram.write64(entry + MMAP_OFF_LENGTH, r.length());
            ram.write32(entry + MMAP_OFF_TYPE, r.type().code());
            entry += MMAP_ENTRY_BYTES;
        }
        writeString(ram, CMDLINE, COMMAND_LINE);
        writeString(ram, LOADER_NAME, LOADER);
    }

    /** Reads the mmap back out of RAM and compares it, entry by entry, with the firmware map. */
    static CheckResult check(PhysicalMemory ram, List<MemoryRegion> map) {
        String what = "multiboot info";
        int flags = ram.read32(INFO + OFF_FLAGS);
        if ((flags & FLAG_MMAP) == 0) {
            return CheckResult.broken(what, 0, String.format("flags 0x%x at 0x%x lack the mmap bit", flags, INFO));
        }
        long addr = ram.read32(INFO + OFF_MMAP_ADDR) & 0xFFFFFFFFL;
        long end = addr + (ram.read32(INFO + OFF_MMAP_LENGTH) & 0xFFFFFFFFL);
        List<MemoryRegion> read = new ArrayList<>();
        int i = 0;
        while (addr < end) {
            int size = ram.read32(addr);
            if (size < MMAP_ENTRY_SIZE_FIELD) {
                return CheckResult.broken(what, i, String.format("mmap entry %d at 0x%x has size %d", i, addr, size));
            }
            long base = ram.read64(addr + MMAP_OFF_BASE);
            long length = ram.read64(addr + MMAP_OFF_LENGTH);
            int type = ram.read32(addr + MMAP_OFF_TYPE);
            MemoryRegion expected = i < map.size() ? map.get(i) : null;
            if (expected == null || expected.base() != base || expected.length() != length
                    || expected.type().code() != type) {
                return CheckResult.broken(what, i, String.format(
                        "mmap entry %d at 0x%x reads base=0x%x length=0x%x type=%d, firmware map has %s",
                        i, addr, base, length, type, expected));
            }
            read.add(expected);
            addr += size + 4L;
            i++;
        }
        if (read.size() != map.size()) {
            return CheckResult.broken(what, i, "mmap has " + read.size() + " entries, firmware map " + map.size());
        }
        return CheckResult.ok(what, i);
    }

    private static void writeString(PhysicalMemory ram, long at, String s) {
        byte[] bytes = (s + '\0').getBytes(StandardCharsets.US_ASCII);
        ram.write(at, bytes, 0, bytes.length);
    }
}
