package org.clkernel.paging.space;

import java.util.ArrayList;
import java.util.List;

import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.paging.Region;

/**
 * A space's reserved regions: one frame of the space's owner.
 *
 * <pre>
 * +0 count   +16 + 16*i: +0 start  +4 end (exclusive)  +8 prot
 * </pre>
 * Invariants: records are sorted by start, page aligned, not empty and disjoint; two records that
 * touch have different protections (they are merged otherwise), so a space never needs more than
 * {@value #CAPACITY} of them for as many distinct ranges.
 */
final class RegionList {
    static final int HEADER = 16;
    static final int RECORD = 16;
    static final int CAPACITY = (4096 - HEADER) / RECORD;

    private final PhysicalMemory ram;
    private final long base;

    RegionList(PhysicalMemory ram, long base) {
        this.ram = ram;
        this.base = base;
    }

    int count() {
        return ram.read32(base);
    }

    List<Region> all() {
        int n = count();
        List<Region> regions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long at = base + HEADER + (long) i * RECORD;
            long start = ram.read32(at) & 0xFFFFFFFFL;
            long end = ram.read32(at + 4) & 0xFFFFFFFFL;
            regions.add(new Region(start, end - start, ram.read32(at + 8)));
        }
        return regions;
    }

    /** The region holding va, or null. */
    Region find(long va) {
        for (Region r : all()) {
            if (r.contains(va)) {
                return r;
            }
        }
        return null;
    }

    /**
     * Adds a region.
     *
     * @throws IllegalArgumentException when it overlaps one
     * @throws IllegalStateException    when the list is full
     */
    void add(Region region) {
        List<Region> regions = all();
        int at = 0;
        for (Region r : regions) {
            if (r.start() < region.end() && region.start() < r.end()) {
                throw new IllegalArgumentException(String.format(
                        "0x%08x-0x%08x overlaps the region 0x%08x-0x%08x", region.start(), region.end(), r.start(), r.end()));
            }
            if (r.start() < region.start()) {
                at++;
            }
        }
        regions.add(at, region);
        store(merged(regions));
    }

    /** Gives [start, end) of every region the protection, splitting regions at the ends. */
    void protect(long start, long end, int prot) {
        List<Region> split = new ArrayList<>();
        for (Region r : all()) {
            long from = Math.max(r.start(), start);
            long to = Math.min(r.end(), end);
            if (from >= to) {
                split.add(r);
                continue;
            }
            addIfNotEmpty(split, r.start(), from, r.prot());
            addIfNotEmpty(split, from, to, prot);
            addIfNotEmpty(split, to, r.end(), r.prot());
        }
        store(merged(split));
    }

    private static void addIfNotEmpty(List<Region> regions, long start, long end, int prot) {
        if (start < end) {
            regions.add(new Region(start, end - start, prot));
        }
    }

    private static List<Region> merged(List<Region> sorted) {
        List<Region> out = new ArrayList<>();
        for (Region r : sorted) {
            Region last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.end() == r.start() && last.prot() == r.prot()) {
                out.set(out.size() - 1, new Region(last.start(), last.length() + r.length(), r.prot()));
            } else {
                out.add(r);
            }
        }
        return out;
    }

    private void store(List<Region> regions) {
        if (regions.size() > CAPACITY) {
            throw new IllegalStateException("the space has " + CAPACITY + " regions, the most it can hold");
        }
        for (int i = 0; i < regions.size(); i++) {
            Region r = regions.get(i);
            long at = base + HEADER + (long) i * RECORD;
            ram.write32(at, (int) r.start());
            ram.write32(at + 4, (int) r.end());
            ram.write32(at + 8, r.prot());
        }
        ram.write32(base, regions.size());
    }
}
