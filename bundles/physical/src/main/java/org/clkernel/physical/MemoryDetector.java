package org.clkernel.physical;

import static org.clkernel.api.x86.Multiboot.*;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.machine.RegionType;
import org.clkernel.api.physical.DetectedRegion;

/**
 * Finds usable RAM by parsing the Multiboot information structure out of emulated RAM, as a kernel
 * does at boot, and trusts nothing in it blindly:
 * <ul>
 * <li>an entry with a size field below 20 ends the walk (the rest cannot be located);</li>
 * <li>empty entries and entries wholly above 4 GiB are dropped; entries running past 4 GiB are
 *     clipped;</li>
 * <li>where a usable entry overlaps any other type, the other type wins (as Linux's e820
 *     sanitizing does): a reserved byte is never handed out;</li>
 * <li>overlapping or adjacent usable ranges merge, then shrink to whole pages.</li>
 * </ul>
 * Every drop or clip is reported in one sentence.
 */
final class MemoryDetector {
    static final long FOUR_GIB = 1L << 32;
    static final int PAGE = 4096;
    /** A map longer than this is not believed: the rest is ignored. */
    static final int MAX_ENTRIES = 128;

    final List<DetectedRegion> usable = new ArrayList<>();
    final List<String> report = new ArrayList<>();

    private record Range(long start, long end) {
    }

    MemoryDetector(PhysicalMemory ram, long multibootInfo) {
        int flags = ram.read32(multibootInfo + OFF_FLAGS);
        List<Range> good = new ArrayList<>();
        List<Range> bad = new ArrayList<>();
        if ((flags & FLAG_MMAP) != 0) {
            readMmap(ram, multibootInfo, good, bad);
        } else if ((flags & FLAG_MEM) != 0) {
            report.add("no memory map (flags bit 6 clear): using mem_lower/mem_upper");
            good.add(new Range(0, (ram.read32(multibootInfo + OFF_MEM_LOWER) & 0xFFFFFFFFL) * 1024));
            good.add(new Range(1L << 20, (1L << 20) + (ram.read32(multibootInfo + OFF_MEM_UPPER) & 0xFFFFFFFFL) * 1024));
        } else {
            report.add("Multiboot flags 0x" + Integer.toHexString(flags) + " give no memory information");
        }
        subtract(good, bad);
    }

    private void readMmap(PhysicalMemory ram, long info, List<Range> good, List<Range> bad) {
        long addr = ram.read32(info + OFF_MMAP_ADDR) & 0xFFFFFFFFL;
        long end = addr + (ram.read32(info + OFF_MMAP_LENGTH) & 0xFFFFFFFFL);
        if (end > FOUR_GIB) {
            report.add("mmap runs past 4 GiB: ignored");
            return;
        }
        for (int i = 0; addr < end; i++) {
            if (i == MAX_ENTRIES) {
                report.add("mmap has more than " + MAX_ENTRIES + " entries: the rest is ignored");
                return;
            }
            int size = ram.read32(addr);
            if (size < MMAP_ENTRY_SIZE_FIELD || addr + size + 4 > end) {
                report.add(String.format("mmap entry %d at 0x%x has size %d: it and the rest are ignored", i, addr, size));
                return;
            }
            long base = ram.read64(addr + MMAP_OFF_BASE);
            long length = ram.read64(addr + MMAP_OFF_LENGTH);
            RegionType type = RegionType.of(ram.read32(addr + MMAP_OFF_TYPE));
            addr += size + 4L;
            if (length == 0) {
                report.add(String.format("mmap entry %d is empty: ignored", i));
                continue;
            }
            if (base < 0 || base >= FOUR_GIB) {
                report.add(String.format("mmap entry %d at 0x%x is above 4 GiB: ignored", i, base));
                continue;
            }
            long last = base + length;
            if (length < 0 || last > FOUR_GIB || last < base) {
                report.add(String.format("mmap entry %d (0x%x + 0x%x) runs past 4 GiB: clipped", i, base, length));
                last = FOUR_GIB;
            }
            (type == RegionType.USABLE ? good : bad).add(new Range(base, last));
        }
    }

    /** usable = union(good) - union(bad), page aligned, merged. */
    private void subtract(List<Range> good, List<Range> bad) {
        good.sort(Comparator.comparingLong(Range::start));
        List<Range> pieces = new ArrayList<>();
        for (Range g : good) {
            List<Range> left = List.of(g);
            for (Range b : bad) {
                List<Range> next = new ArrayList<>();
                for (Range r : left) {
                    if (b.end() <= r.start() || b.start() >= r.end()) {
                        next.add(r);
                        continue;
                    }
                    report.add(String.format("usable 0x%x-0x%x overlaps %s range 0x%x-0x%x: the overlap is not used",
                            r.start(), r.end() - 1, "a reserved", b.start(), b.end() - 1));
                    if (r.start() < b.start()) {
                        next.add(new Range(r.start(), b.start()));
                    }
                    if (b.end() < r.end()) {
                        next.add(new Range(b.end(), r.end()));
                    }
                }
                left = next;
            }
            pieces.addAll(left);
        }
        pieces.sort(Comparator.comparingLong(Range::start));
        // Merge before rounding: a page split between two usable entries is still a whole page.
        List<Range> merged = new ArrayList<>();
        for (Range r : pieces) {
            int last = merged.size() - 1;
            if (last >= 0 && r.start() <= merged.get(last).end()) {
                merged.set(last, new Range(merged.get(last).start(), Math.max(merged.get(last).end(), r.end())));
            } else {
                merged.add(r);
            }
        }
        for (Range r : merged) {
            long s = (r.start() + PAGE - 1) & -PAGE;
            long e = r.end() & -PAGE;
            if (e <= s) {
                report.add(String.format("usable 0x%x-0x%x holds no whole page: ignored", r.start(), r.end() - 1));
                continue;
            }
            usable.add(new DetectedRegion(s, e - s));
        }
    }
}
