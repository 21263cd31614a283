package org.clkernel.slab;

import static org.clkernel.api.paging.KernelLayout.DIRECT_MAP;
import static org.clkernel.api.paging.KernelLayout.DIRECT_MAP_MAX;
import static org.clkernel.slab.SlabHeader.LIST_NAMES;

import java.util.HashSet;
import java.util.Set;

import org.clkernel.api.CheckResult;
import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.slab.SlabAllocator;

/**
 * The slab allocator's integrity walk, over RAM only: the cache table, each descriptor's geometry,
 * each of its three lists and every slab on them (header, links, bitmap, free stack, the red zones
 * of every object and the poison of every free one), then the descriptor's counters against what
 * the walk found. Stops at the first broken element and names it; addresses are direct-map ones.
 *
 * <p>It runs with every magazine still ({@link SlabService#quiesced}) and also checks the magazine
 * layer against RAM: every object a slab's bitmap marks allocated is either held by a caller or in
 * exactly one magazine, never both and never neither (lost); a free object is in no magazine and
 * held by no caller; an object in a magazine is free to callers, so its poison is checked like that
 * of a free object in its slab. Free objects of a cache whose descriptor has
 * {@link CacheTable#F_CONSTRUCTED} hold their constructed state, so their poison is not checked.
 */
final class SlabCheck {
    static final String STRUCTURE = "slab allocator";

    private final SlabService s;
    private final PhysicalMemory ram;
    private final FrameAllocator frames;
    private final Set<Long> seen = new HashSet<>();
    /** Physical addresses of the objects in the magazines of the cache being walked. */
    private final Set<Long> inMagazines = new HashSet<>();
    private int matched;
    private int checked;

    SlabCheck(SlabService s) {
        this.s = s;
        this.ram = s.ram();
        this.frames = s.frames();
    }

    CheckResult run() {
        long table = s.table();
        if (ram.read32(table) != CacheTable.MAGIC || ram.read32(table + 4) != CacheTable.VERSION) {
            return broken(String.format("cache table at 0x%x: bad magic or version", DIRECT_MAP + table));
        }
        int used = ram.read32(table + CacheTable.USED);
        if (used < 0 || used > CacheTable.MAX_CACHES) {
            return broken(String.format("cache table: %d caches in use, more than %d", used, CacheTable.MAX_CACHES));
        }
        for (Cache c : s.cacheList()) {
            checked++;
            String problem = c.index >= used ? "beyond the descriptors in use" : cache(c);
            if (problem != null) {
                return broken("cache " + c.name + ": " + problem);
            }
        }
        return CheckResult.ok(STRUCTURE, checked);
    }

    private CheckResult broken(String problem) {
        return CheckResult.broken(STRUCTURE, checked, problem);
    }

    private String cache(Cache c) {
        long d = c.descriptor;
        if (ram.read32(d + CacheTable.D_STATE) != 1) {
            return "the descriptor is not marked in use";
        }
        int size = ram.read32(d + CacheTable.D_SIZE);
        int asked = ram.read32(d + CacheTable.D_ASKED_ALIGN);
        Geometry stored = new Geometry(size, ram.read32(d + CacheTable.D_ALIGN), ram.read32(d + CacheTable.D_STRIDE),
                ram.read32(d + CacheTable.D_FIRST), ram.read32(d + CacheTable.D_PER_SLAB), ram.read32(d + CacheTable.D_ORDER));
        if (size < 1 || size > SlabAllocator.MAX_OBJECT_SIZE || asked < 1 || asked > SlabAllocator.MAX_ALIGN
                || Integer.bitCount(asked) != 1 || !Geometry.of(size, asked).equals(stored) || !stored.equals(c.g)) {
            return "the descriptor's object size, alignment or slab layout is broken";
        }
        int flags = ram.read32(d + CacheTable.D_FLAGS);
        if ((flags & ~CacheTable.KNOWN_FLAGS) != 0) {
            return String.format("the descriptor's flags 0x%x have unknown bits", flags);
        }
        if (((flags & CacheTable.F_CONSTRUCTED) != 0) != c.constructed) {
            return "the descriptor's constructed flag differs from the cache's";
        }
        inMagazines.clear();
        matched = 0;
        for (long round : c.magazineRounds()) {
            if (!inMagazines.add(Magazine.address(round))) {
                return String.format("object 0x%x is in two magazines", DIRECT_MAP + Magazine.address(round));
            }
        }
        long active = 0;
        for (int list = 0; list < 3; list++) {
            int count = 0;
            long prev = 0;
            for (long slab = ram.read64(d + CacheTable.D_HEADS + 8L * list); slab != 0;
                    slab = ram.read64(slab + SlabHeader.NEXT)) {
                checked++;
                count++;
                String where = String.format("%s slab 0x%x", LIST_NAMES[list], DIRECT_MAP + slab);
                if (!seen.add(slab)) {
                    return where + ": on a list twice";
                }
                String problem = slab(c, slab, list, prev);
                if (problem != null) {
                    return where + ": " + problem;
                }
                active += ram.read32(slab + SlabHeader.IN_USE);
                prev = slab;
            }
            int counted = ram.read32(d + CacheTable.D_COUNTS + 4L * list);
            if (count != counted) {
                return String.format("%d slabs on the %s list, the descriptor says %d", count, LIST_NAMES[list], counted);
            }
        }
        long counted = ram.read64(d + CacheTable.D_ACTIVE);
        if (active != counted) {
            return String.format("%d objects allocated in its slabs, the descriptor says %d", active, counted);
        }
        if (matched != inMagazines.size()) {
            return String.format("its magazines hold %d objects, only %d of them allocated objects of its slabs",
                    inMagazines.size(), matched);
        }
        return null;
    }

    private String slab(Cache c, long slab, int list, long prev) {
        Geometry g = c.g;
        if ((slab & (g.slabBytes() - 1)) != 0 || slab + g.slabBytes() > DIRECT_MAP_MAX) {
            return "not a slab address for this cache";
        }
        FrameAllocator.Block block = frames.block(slab >>> 12);
        if (block == null || block.order() != g.order() || block.owner() != FrameAllocator.KERNEL) {
            return String.format("its frames are not a kernel block of %d frames", g.frames());
        }
        if (ram.read32(slab) != SlabHeader.MAGIC) {
            return "bad magic";
        }
        int index = ram.read32(slab + SlabHeader.CACHE);
        if (index != c.index) {
            return "the header names cache " + index + ", not " + c.index;
        }
        long back = ram.read64(slab + SlabHeader.PREV);
        if (back != prev) {
            return String.format("the back link is 0x%x, not 0x%x", back == 0 ? 0 : DIRECT_MAP + back,
                    prev == 0 ? 0 : DIRECT_MAP + prev);
        }
        int marked = ram.read32(slab + SlabHeader.LIST);
        if (marked != list) {
            return "the header says it is on list " + marked;
        }
        int n = g.perSlab();
        int inUse = ram.read32(slab + SlabHeader.IN_USE);
        int bits = 0;
        for (int w = 0; w < Geometry.bitmapWords(n); w++) {
            long word = ram.read64(slab + SlabHeader.BITMAP + 8L * w);
            int valid = Math.min(64, n - 64 * w);
            if (valid < 64 && word >>> valid != 0) {
                return "the bitmap marks objects beyond the last one";
            }
            bits += Long.bitCount(word);
        }
        if (bits != inUse) {
            return String.format("%d objects allocated, the bitmap marks %d", inUse, bits);
        }
        if (c.listOf(inUse) != list) {
            return String.format("%d of %d objects allocated, wrong for this list", inUse, n);
        }
        int depth = ram.read32(slab + SlabHeader.DEPTH);
        if (depth != n - inUse) {
            return String.format("the free stack holds %d objects, %d are free", depth, n - inUse);
        }
        boolean[] stacked = new boolean[n];
        for (int e = 0; e < depth; e++) {
            int i = ram.read16(slab + g.stack() + 2L * e);
            if (i >= n || stacked[i] || c.allocated(slab, i)) {
                return String.format("free stack entry %d is %d, not a free object listed once", e, i);
            }
            stacked[i] = true;
        }
        SlabTag tag = s.tag(slab);
        if (tag == null || tag.cache != c || tag.base != slab) {
            return "the allocator does not know it as a slab of this cache";
        }
        for (int i = 0; i < n; i++) {
            long object = slab + g.first() + (long) i * g.stride();
            String zone = c.redZones(object);
            boolean allocated = c.allocated(slab, i);
            boolean held = tag.live(i);
            boolean cached = inMagazines.contains(object);
            if (cached && allocated) {
                matched++;
            }
            if (allocated && held && cached) {
                return String.format("allocated object 0x%x is both held by a caller and in a magazine", DIRECT_MAP + object);
            }
            if (allocated && !held && !cached) {
                return String.format("allocated object 0x%x is neither held by a caller nor in a magazine (lost)",
                        DIRECT_MAP + object);
            }
            if (!allocated && (held || cached)) {
                return String.format("free object 0x%x is %s", DIRECT_MAP + object,
                        cached ? "in a magazine" : "marked held by a caller");
            }
            if (zone != null) {
                return String.format("%s object 0x%x: %s", held ? "allocated" : "free", DIRECT_MAP + object, zone);
            }
            int at = held || c.constructed ? -1 : c.poisonBroken(object);
            if (at >= 0) {
                return String.format("free object 0x%x: written after free at +%d (0x%02x, not 0x6b)",
                        DIRECT_MAP + object, at, ram.read8(object + at));
            }
        }
        return null;
    }
}
