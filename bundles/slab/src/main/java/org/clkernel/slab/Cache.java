package org.clkernel.slab;

import static org.clkernel.api.paging.KernelLayout.DIRECT_MAP;
import static org.clkernel.slab.SlabHeader.DEPTH;
import static org.clkernel.slab.SlabHeader.EMPTY;
import static org.clkernel.slab.SlabHeader.FULL;
import static org.clkernel.slab.SlabHeader.IN_USE;
import static org.clkernel.slab.SlabHeader.LIST;
import static org.clkernel.slab.SlabHeader.NEXT;
import static org.clkernel.slab.SlabHeader.PARTIAL;
import static org.clkernel.slab.SlabHeader.PREV;

import java.util.Arrays;

import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.physical.Gfp;
import org.clkernel.api.slab.ObjectConstructor;
import org.clkernel.api.slab.SlabCache;
import org.clkernel.api.slab.SlabCacheStats;

/**
 * One cache: its descriptor in the cache table and its slabs, on three lists (empty, partial,
 * full) as Bonwick keeps them, so that allocation takes a partial slab first and reaping finds the
 * empty ones at once. The list heads and counters are mirrored in Java fields and written through
 * to the descriptor; a new instance loads them from RAM.
 *
 * <p>Every method that reads or changes the slabs runs under the allocator's lock.
 *
 * <p>In front of the slabs is the magazine layer of Bonwick and Adams (USENIX 2001): {@link #alloc}
 * pops a round from the calling thread's loaded magazine and {@link #free} pushes one, under only
 * that thread's {@link CpuCache} lock. When the loaded magazine is empty (full) it is exchanged
 * with the previous one if that is full (empty), else with a magazine from the {@link Depot}, and
 * only when the depot has none does the thread take the allocator's lock and fill a magazine from
 * the slabs; frees never reach the slabs but through a drain.
 *
 * <p>Checks on the fast path: a free still refuses, with the same sentence, an address that is not
 * an object of this cache, a double free (from any thread: the {@link SlabTag} compare-and-set)
 * and overwritten red zones; it fills the object with poison before it enters the magazine, so
 * that every object a caller gets holds the poison. An allocation from a magazine compares only the
 * object's first 8 bytes with the poison (where a stale list link or first field lands; a full
 * compare costs a third of a 64-byte pair) and reports a write after free there as the slab layer
 * does; a write further in is found by {@code check()}, which checks objects in magazines like
 * free ones, and by the slab layer when the object comes back to it. Red zones of objects in
 * magazines are looked at by {@code check()} and when the object is freed again.
 *
 * <p>A cache with constructed objects ({@link CacheTable#F_CONSTRUCTED}) runs its
 * {@link ObjectConstructor} over every object of a new slab in {@link #grow}, under the allocator's
 * lock, and then neither poisons its objects on free nor compares them with the poison on
 * allocation: a free object holds what its last holder left, its constructed state. Red zones are
 * written and checked as for any cache.
 */
final class Cache implements SlabCache {
    static final byte POISON = 0x6B;
    static final byte RED = (byte) 0xBB;
    static final long RED_WORD = 0xBBBBBBBBBBBBBBBBL;
    static final long POISON_WORD = 0x6B6B6B6B6B6B6B6BL;

    private final SlabService owner;
    private final PhysicalMemory ram;
    final int index;
    final long descriptor;
    final String name;
    final Geometry g;
    private final int askedAlign;
    /** The descriptor's {@link CacheTable#F_CONSTRUCTED}: free objects are constructed, not poisoned. */
    final boolean constructed;
    /** The constructor of a cache with constructed objects; null until registered again after a restart. */
    private volatile ObjectConstructor constructor;
    private final long[] heads = new long[3];
    private final int[] counts = new int[3];
    /** Objects allocated in the slabs' bitmaps: held by callers or in magazines. */
    private long active;
    private long total;
    /** The poison pattern, one object long, and a buffer to read an object into. */
    private final byte[] poison;
    private final byte[] scratch;
    final Depot depot = new Depot();
    /** Rounds per magazine. */
    final int magazineSize;
    /** Clears the offset inside a slab from a physical address. */
    private final long slabMask;
    private final ThreadLocal<CpuCache> local;

    private Cache(SlabService owner, int index, long descriptor, String name, Geometry g, int askedAlign,
            boolean constructed, ObjectConstructor constructor) {
        this.owner = owner;
        this.constructed = constructed;
        this.constructor = constructor;
        this.ram = owner.ram();
        this.index = index;
        this.descriptor = descriptor;
        this.name = name;
        this.g = g;
        this.askedAlign = askedAlign;
        this.poison = new byte[g.objectSize()];
        Arrays.fill(poison, POISON);
        this.scratch = new byte[g.objectSize()];
        this.magazineSize = magazineSize(g.objectSize());
        this.slabMask = -(long) g.slabBytes();
        this.local = ThreadLocal.withInitial(() -> {
            CpuCache cc = new CpuCache(g.objectSize());
            owner.register(this, cc);
            return cc;
        });
    }

    /**
     * Rounds per magazine by object size. Bonwick and Adams grow the magazine size at run time
     * when the depot lock is contended; here it is fixed: larger for small objects, whose
     * allocation rate is highest, smaller for large ones, which would tie up much memory.
     */
    static int magazineSize(int objectSize) {
        return objectSize <= 256 ? 32 : objectSize <= 2048 ? 16 : 4;
    }

    /** Writes a new descriptor, whose 128 bytes must be zero. */
    static Cache format(SlabService owner, int index, long descriptor, String name, int objectSize, int align,
            ObjectConstructor constructor) {
        Geometry g = Geometry.of(objectSize, align);
        PhysicalMemory ram = owner.ram();
        ram.write32(descriptor + CacheTable.D_SIZE, g.objectSize());
        ram.write32(descriptor + CacheTable.D_ALIGN, g.align());
        ram.write32(descriptor + CacheTable.D_STRIDE, g.stride());
        ram.write32(descriptor + CacheTable.D_FIRST, g.first());
        ram.write32(descriptor + CacheTable.D_PER_SLAB, g.perSlab());
        ram.write32(descriptor + CacheTable.D_ORDER, g.order());
        ram.write32(descriptor + CacheTable.D_ASKED_ALIGN, align);
        ram.write32(descriptor + CacheTable.D_FLAGS, constructor != null ? CacheTable.F_CONSTRUCTED : 0);
        byte[] ascii = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ram.write(descriptor + CacheTable.D_NAME, ascii, 0, ascii.length);
        ram.write32(descriptor + CacheTable.D_STATE, 1);
        return new Cache(owner, index, descriptor, name, g, align, constructor != null, constructor);
    }

    /** The cache a descriptor in RAM describes, its counters loaded. */
    static Cache load(SlabService owner, int index, long descriptor) {
        PhysicalMemory ram = owner.ram();
        byte[] raw = new byte[CacheTable.NAME_BYTES];
        ram.read(descriptor + CacheTable.D_NAME, raw, 0, raw.length);
        int length = 0;
        while (length < raw.length && raw[length] != 0) {
            length++;
        }
        String name = new String(raw, 0, length, java.nio.charset.StandardCharsets.US_ASCII);
        Geometry g = new Geometry(ram.read32(descriptor + CacheTable.D_SIZE), ram.read32(descriptor + CacheTable.D_ALIGN),
                ram.read32(descriptor + CacheTable.D_STRIDE), ram.read32(descriptor + CacheTable.D_FIRST),
                ram.read32(descriptor + CacheTable.D_PER_SLAB), ram.read32(descriptor + CacheTable.D_ORDER));
        boolean constructed = (ram.read32(descriptor + CacheTable.D_FLAGS) & CacheTable.F_CONSTRUCTED) != 0;
        Cache c = new Cache(owner, index, descriptor, name, g, ram.read32(descriptor + CacheTable.D_ASKED_ALIGN),
                constructed, null);
        for (int list = 0; list < 3; list++) {
            c.heads[list] = ram.read64(descriptor + CacheTable.D_HEADS + 8L * list);
            c.counts[list] = ram.read32(descriptor + CacheTable.D_COUNTS + 4L * list);
        }
        c.active = ram.read64(descriptor + CacheTable.D_ACTIVE);
        c.total = ram.read64(descriptor + CacheTable.D_TOTAL);
        return c;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int objectSize() {
        return g.objectSize();
    }

    @Override
    public int align() {
        return g.align();
    }

    int askedAlign() {
        return askedAlign;
    }

    ObjectConstructor constructor() {
        return constructor;
    }

    /** Registers the constructor again after a restart; the caller holds the lock. */
    void register(ObjectConstructor constructor) {
        this.constructor = constructor;
    }

    long head(int list) {
        return heads[list];
    }

    @Override
    public long alloc() {
        CpuCache cc = local.get();
        cc.lock();
        try {
            if (cc.dead) {
                throw SlabService.stopped();
            }
            Magazine m = cc.loaded;
            if (m == null || m.count == 0) {
                m = reload(cc);
                if (m == null) {
                    return 0;
                }
            }
            long round = m.rounds[--m.count];
            long object = Magazine.address(round);
            owner.tag(object & slabMask).handOut(Magazine.index(round));
            int at = -1;
            if (!constructed && (g.objectSize() < 8 || ram.read64(object) != POISON_WORD)) {
                ram.read(object, cc.scratch, 0, cc.scratch.length);
                at = Arrays.mismatch(cc.scratch, poison);
            }
            if (at >= 0) {
                synchronized (owner.lock()) {
                    owner.finding(writtenAfterFree(object, at, cc.scratch[at]));
                }
            }
            return DIRECT_MAP + object;
        } finally {
            cc.unlock();
        }
    }

    /**
     * A loaded magazine with rounds for a thread whose loaded magazine is empty: the previous one
     * if it is full, else a full one from the depot, else one filled from the slabs; null when no
     * memory is left. The caller holds the CpuCache's lock.
     */
    private Magazine reload(CpuCache cc) {
        Magazine previous = cc.previous;
        if (previous != null && previous.count > 0) {
            cc.previous = cc.loaded;
            cc.loaded = previous;
            return previous;
        }
        Magazine full;
        depot.lock.lock();
        try {
            full = depot.full.poll();
            if (full != null) {
                depot.rounds -= full.count;
                if (previous != null) {
                    depot.empty.push(previous);
                }
            }
        } finally {
            depot.lock.unlock();
        }
        if (full != null) {
            cc.previous = cc.loaded;
            cc.loaded = full;
            return full;
        }
        Magazine m = cc.loaded != null ? cc.loaded : new Magazine(magazineSize);
        synchronized (owner.lock()) {
            owner.checkOpen();
            fill(m);
        }
        cc.loaded = m;
        return m.count > 0 ? m : null;
    }

    /**
     * Fills an empty magazine from the slabs, one slab's objects at most beyond those already
     * there, so that a fill never takes more than one new slab; the caller holds the lock. The
     * round handed out first is the one the slab layer would have handed out first.
     */
    private void fill(Magazine m) {
        long[] got = new long[magazineSize];
        int n = 0;
        while (m.count + n < magazineSize) {
            long slab = heads[PARTIAL];
            if (slab == 0) {
                slab = heads[EMPTY];
            }
            if (slab == 0) {
                if (n > 0) {
                    break;
                }
                slab = grow();
                if (slab == 0) {
                    break;
                }
            }
            int i = take(slab);
            got[n++] = Magazine.round(slab + g.first() + (long) i * g.stride(), i);
        }
        for (int k = n - 1; k >= 0; k--) {
            m.rounds[m.count++] = got[k];
        }
    }

    /**
     * Returns the rounds of a magazine to their slabs; the caller holds the lock. They are
     * poisoned (or constructed) already: a free poisons, a fill takes objects that are.
     */
    private void drain(Magazine m) {
        if (m == null) {
            return;
        }
        for (int k = m.count - 1; k >= 0; k--) {
            long round = m.rounds[k];
            long object = Magazine.address(round);
            putBack(object & slabMask, Magazine.index(round));
        }
        m.count = 0;
    }

    /**
     * Drains the depot and the threads' magazines into the slabs; the caller holds the lock. With
     * {@code all} the caller holds every CpuCache lock too, and they die (deactivation); without,
     * only the CpuCaches whose lock is free at once are drained.
     */
    void drainAll(boolean all) {
        for (CpuCache cc : depot.cpus) {
            if (all || cc.tryLock()) {
                try {
                    drain(cc.loaded);
                    drain(cc.previous);
                    if (all) {
                        cc.loaded = null;
                        cc.previous = null;
                        cc.dead = true;
                    }
                } finally {
                    if (!all) {
                        cc.unlock();
                    }
                }
            }
        }
        depot.lock.lock();
        try {
            for (Magazine m; (m = depot.full.poll()) != null;) {
                drain(m);
                depot.empty.push(m);
            }
            depot.rounds = 0;
            if (all) {
                depot.empty.clear();
            }
        } finally {
            depot.lock.unlock();
        }
    }

    /** Every round in this cache's magazines; the caller holds every lock ({@link SlabService#quiesced}). */
    java.util.List<Long> magazineRounds() {
        java.util.List<Long> rounds = new java.util.ArrayList<>();
        for (CpuCache cc : depot.cpus) {
            for (Magazine m : new Magazine[] {cc.loaded, cc.previous}) {
                for (int k = 0; m != null && k < m.count; k++) {
                    rounds.add(m.rounds[k]);
                }
            }
        }
        for (Magazine m : depot.full) {
            for (int k = 0; k < m.count; k++) {
                rounds.add(m.rounds[k]);
            }
        }
        return rounds;
    }

    /** Takes the object on top of a slab's free stack for a magazine; the caller holds the lock. */
    private int take(long slab) {
        int depth = ram.read32(slab + DEPTH);
        int inUse = ram.read32(slab + IN_USE);
        int i = depth > 0 && depth <= g.perSlab() ? ram.read16(slab + g.stack() + 2L * (depth - 1)) : -1;
        if (i < 0 || i >= g.perSlab() || allocated(slab, i)) {
            throw new IllegalStateException(String.format(
                    "cache %s: the free stack of slab 0x%x is broken; slab:check names the damage", name, slab));
        }
        ram.write32(slab + DEPTH, depth - 1);
        setAllocated(slab, i, true);
        ram.write32(slab + IN_USE, inUse + 1);
        long object = slab + g.first() + (long) i * g.stride();
        inspect(object);
        int from = listOf(inUse);
        int to = listOf(inUse + 1);
        if (from != to) {
            unlink(slab, from);
            push(slab, to);
        }
        setActive(active + 1);
        total++;
        ram.write64(descriptor + CacheTable.D_TOTAL, total);
        return i;
    }

    /** Puts an allocated object that no caller holds back on its slab's free stack; the caller holds the lock. */
    private void putBack(long slab, int i) {
        int inUse = ram.read32(slab + IN_USE);
        int depth = ram.read32(slab + DEPTH);
        setAllocated(slab, i, false);
        ram.write16(slab + g.stack() + 2L * depth, i);
        ram.write32(slab + DEPTH, depth + 1);
        ram.write32(slab + IN_USE, inUse - 1);
        int from = listOf(inUse);
        int to = listOf(inUse - 1);
        if (from != to) {
            unlink(slab, from);
            push(slab, to);
        }
        setActive(active - 1);
    }

    private String writtenAfterFree(long object, int at, byte value) {
        return String.format("cache %s: object 0x%x was written after free: byte +%d is 0x%02x, not 0x6b",
                name, DIRECT_MAP + object, at, value & 0xFF);
    }

    /**
     * Reports broken poison (of a cache without constructed objects) or red zones of a free object
     * about to be handed out, and repairs the red zones.
     */
    private void inspect(long object) {
        if (!constructed) {
            ram.read(object, scratch, 0, scratch.length);
            int at = Arrays.mismatch(scratch, poison);
            if (at >= 0) {
                owner.finding(writtenAfterFree(object, at, scratch[at]));
            }
        }
        String zone = redZones(object);
        if (zone != null) {
            owner.finding(String.format("cache %s: free object 0x%x: %s", name, DIRECT_MAP + object, zone));
            ram.write64(object - Geometry.RED_ZONE, RED_WORD);
            ram.write64(object + g.objectSize(), RED_WORD);
        }
    }

    /** Null when both red zones of an object hold the pattern, else which one is broken. */
    String redZones(long object) {
        long before = ram.read64(object - Geometry.RED_ZONE);
        if (before != RED_WORD) {
            return String.format("the red zone before it is overwritten (0x%016x)", before);
        }
        long after = ram.read64(object + g.objectSize());
        if (after != RED_WORD) {
            return String.format("the red zone after it is overwritten (0x%016x)", after);
        }
        return null;
    }

    /** The offset of the first byte of a free object that is not poison, or -1. */
    int poisonBroken(long object) {
        ram.read(object, scratch, 0, scratch.length);
        return Arrays.mismatch(scratch, poison);
    }

    @Override
    public void free(long address) {
        long pa = address - DIRECT_MAP;
        if (pa >= 0 && address < DIRECT_MAP + org.clkernel.api.paging.KernelLayout.DIRECT_MAP_MAX) {
            long base = pa & slabMask;
            SlabTag t = owner.tag(base);
            int offset = (int) (pa - base) - g.first();
            if (t != null && t.cache == this && offset >= 0) {
                int i = offset / g.stride();
                if (i < g.perSlab() && i * g.stride() == offset && ram.read64(pa - Geometry.RED_ZONE) == RED_WORD
                        && ram.read64(pa + g.objectSize()) == RED_WORD) {
                    CpuCache cc = local.get();
                    cc.lock();
                    try {
                        if (!cc.dead) {
                            Magazine m = cc.loaded;
                            if (m == null || m.count == magazineSize) {
                                m = room(cc);
                            }
                            if (t.takeBack(i)) {
                                if (!constructed) {
                                    ram.write(pa, poison, 0, poison.length);
                                }
                                m.rounds[m.count++] = Magazine.round(pa, i);
                                return;
                            }
                        }
                    } finally {
                        cc.unlock();
                    }
                }
            }
        }
        freeSlowly(address);
    }

    /**
     * A loaded magazine with room for a thread whose loaded magazine is full (or missing): the
     * previous one if it is empty, else an empty one from the depot (or a new one), the previous
     * full one going to the depot. The caller holds the CpuCache's lock.
     */
    private Magazine room(CpuCache cc) {
        Magazine previous = cc.previous;
        if (cc.loaded == null) {
            cc.loaded = new Magazine(magazineSize);
            return cc.loaded;
        }
        if (previous != null && previous.count == 0) {
            cc.previous = cc.loaded;
            cc.loaded = previous;
            return previous;
        }
        Magazine empty;
        depot.lock.lock();
        try {
            if (previous != null) {
                depot.full.push(previous);
                depot.rounds += previous.count;
            }
            empty = depot.empty.poll();
        } finally {
            depot.lock.unlock();
        }
        cc.previous = cc.loaded;
        cc.loaded = empty != null ? empty : new Magazine(magazineSize);
        return cc.loaded;
    }

    /**
     * A free the fast path did not take: every check with its sentence, under the lock; an object
     * a caller does hold goes straight back to its slab (as when this thread's magazines are being
     * drained).
     */
    private void freeSlowly(long address) {
        synchronized (owner.lock()) {
            owner.checkOpen();
            long pa = address - DIRECT_MAP;
            Cache holder = null;
            long slab = 0;
            if (pa >= 0 && address < DIRECT_MAP + org.clkernel.api.paging.KernelLayout.DIRECT_MAP_MAX) {
                slab = owner.slabOf(pa);
                holder = slab == 0 ? null : owner.cacheOfSlab(slab);
            }
            if (holder == null) {
                throw refused(address, "the address is not in any slab");
            }
            if (holder != this) {
                throw refused(address, "the object belongs to cache " + holder.name);
            }
            long offset = pa - slab - g.first();
            if (offset < 0) {
                throw refused(address, String.format("the address is in the header of slab 0x%x, not an object", DIRECT_MAP + slab));
            }
            int i = (int) (offset / g.stride());
            if (i >= g.perSlab() || offset % g.stride() != 0) {
                throw refused(address, String.format("not the start of an object (the nearest object before it starts at 0x%x)",
                        DIRECT_MAP + slab + g.first() + (long) Math.min(i, g.perSlab() - 1) * g.stride()));
            }
            SlabTag t = owner.tag(slab);
            if (!allocated(slab, i) || !t.live(i)) {
                throw refused(address, "the object is already free (a double free)");
            }
            String zone = redZones(pa);
            if (zone != null) {
                throw refused(address, zone + "; the object stays allocated");
            }
            if (!t.takeBack(i)) {
                throw refused(address, "the object is already free (a double free)");
            }
            if (!constructed) {
                ram.write(pa, poison, 0, poison.length);
            }
            putBack(slab, i);
        }
    }

    private IllegalArgumentException refused(long address, String why) {
        return new IllegalArgumentException(String.format("free of 0x%x in cache %s: %s", address, name, why));
    }

    /**
     * The statistics as callers see them: objects in magazines count as neither allocated nor
     * free objects of a caller, so active_objs is what callers hold, and a slab whose allocated
     * objects are all in magazines is not active.
     */
    @Override
    public SlabCacheStats stats() {
        return owner.quiesced(this, () -> {
            java.util.Map<Long, Integer> perSlab = new java.util.HashMap<>();
            java.util.List<Long> rounds = magazineRounds();
            for (long round : rounds) {
                perSlab.merge(Magazine.address(round) & slabMask, 1, Integer::sum);
            }
            long idle = 0;
            for (java.util.Map.Entry<Long, Integer> e : perSlab.entrySet()) {
                if (ram.read32(e.getKey() + IN_USE) == e.getValue()) {
                    idle++;
                }
            }
            long slabs = (long) counts[EMPTY] + counts[PARTIAL] + counts[FULL];
            return new SlabCacheStats(name, active - rounds.size(), slabs * g.perSlab(), g.objectSize(), g.perSlab(),
                    g.frames(), slabs - counts[EMPTY] - idle, slabs);
        }, true);
    }

    @Override
    public boolean owns(long address) {
        long pa = address - DIRECT_MAP;
        if (pa < 0 || address >= DIRECT_MAP + org.clkernel.api.paging.KernelLayout.DIRECT_MAP_MAX) {
            return false;
        }
        synchronized (owner.lock()) {
            owner.checkOpen();
            long slab = owner.slabOf(pa);
            return slab != 0 && owner.cacheOfSlab(slab) == this;
        }
    }

    /** Gives the empty slabs back to the frame allocator. @return frames given back */
    long reap() {
        long frames = 0;
        while (heads[EMPTY] != 0) {
            long slab = heads[EMPTY];
            unlink(slab, EMPTY);
            ram.write32(slab, 0);
            owner.forget(slab);
            owner.frames().free(slab >>> 12, g.order(), FrameAllocator.KERNEL);
            frames += g.frames();
        }
        return frames;
    }

    /**
     * A new empty slab, from the frame allocator (after reaping the other caches if it has none),
     * its objects constructed for a cache with a constructor; or 0 when there are no frames or the
     * constructor failed, the slab's frames then given back and a finding made.
     *
     * @throws IllegalStateException for a cache with constructed objects whose constructor is not
     *                               registered (again, after a restart); nothing is changed
     */
    private long grow() {
        ObjectConstructor ctor = constructor;
        if (constructed && ctor == null) {
            throw new IllegalStateException("cache " + name + ": its objects are constructed but its constructor is"
                    + " not registered since the slab allocator restarted; call create with its name, object size,"
                    + " alignment and constructor");
        }
        FrameAllocator frames = owner.frames();
        long pfn = frames.allocate(g.order(), FrameAllocator.KERNEL, Gfp.NONE);
        if (pfn < 0 && owner.reapAll() > 0) {
            pfn = frames.allocate(g.order(), FrameAllocator.KERNEL, Gfp.NONE);
        }
        if (pfn < 0) {
            return 0;
        }
        long slab = pfn << 12;
        if (slab + g.slabBytes() > org.clkernel.api.paging.KernelLayout.DIRECT_MAP_MAX) {
            frames.free(pfn, g.order(), FrameAllocator.KERNEL);
            return 0;
        }
        int n = g.perSlab();
        ram.write32(slab + SlabHeader.CACHE, index);
        ram.write32(slab + IN_USE, 0);
        ram.write32(slab + SlabHeader.DEPTH, n);
        ram.write32(slab + 36, 0);
        for (int w = 0; w < Geometry.bitmapWords(n); w++) {
            ram.write64(slab + SlabHeader.BITMAP + 8L * w, 0);
        }
        byte[] stack = new byte[2 * n];
        for (int d = 0; d < n; d++) {
            int i = n - 1 - d;
            stack[2 * d] = (byte) i;
            stack[2 * d + 1] = (byte) (i >>> 8);
        }
        ram.write(slab + g.stack(), stack, 0, stack.length);
        for (int i = 0; i < n; i++) {
            long object = slab + g.first() + (long) i * g.stride();
            ram.write64(object - Geometry.RED_ZONE, RED_WORD);
            ram.write(object, poison, 0, poison.length);
            ram.write64(object + g.objectSize(), RED_WORD);
        }
        if (ctor != null) {
            String failure = construct(ctor, slab);
            if (failure != null) {
                frames.free(pfn, g.order(), FrameAllocator.KERNEL);
                owner.finding(String.format("cache %s: %s; the new slab 0x%x went back to the frame allocator",
                        name, failure, DIRECT_MAP + slab));
                return 0;
            }
        }
        ram.write32(slab, SlabHeader.MAGIC);
        push(slab, EMPTY);
        owner.remember(slab, this);
        return slab;
    }

    /**
     * Runs the constructor over every object of a new slab, in address order; null when every
     * object was constructed, else what went wrong: an exception, or a write outside the object.
     */
    private String construct(ObjectConstructor ctor, long slab) {
        for (int i = 0; i < g.perSlab(); i++) {
            long object = slab + g.first() + (long) i * g.stride();
            try {
                ctor.construct(DIRECT_MAP + object, g.objectSize());
            } catch (RuntimeException e) {
                return String.format("the constructor threw %s for object 0x%x", e, DIRECT_MAP + object);
            }
            String zone = redZones(object);
            if (zone != null) {
                return String.format("the constructor wrote outside object 0x%x: %s", DIRECT_MAP + object, zone);
            }
        }
        return null;
    }

    boolean allocated(long slab, int i) {
        return (ram.read64(slab + SlabHeader.BITMAP + 8L * (i >>> 6)) >>> (i & 63) & 1) != 0;
    }

    private void setAllocated(long slab, int i, boolean on) {
        long word = slab + SlabHeader.BITMAP + 8L * (i >>> 6);
        long bits = ram.read64(word);
        ram.write64(word, on ? bits | 1L << (i & 63) : bits & ~(1L << (i & 63)));
    }

    int listOf(int inUse) {
        return inUse == 0 ? EMPTY : inUse == g.perSlab() ? FULL : PARTIAL;
    }

    private void unlink(long slab, int list) {
        long next = ram.read64(slab + NEXT);
        long prev = ram.read64(slab + PREV);
        if (prev == 0) {
            setHead(list, next);
        } else {
            ram.write64(prev + NEXT, next);
        }
        if (next != 0) {
            ram.write64(next + PREV, prev);
        }
        setCount(list, counts[list] - 1);
    }

    private void push(long slab, int list) {
        long next = heads[list];
        ram.write64(slab + NEXT, next);
        ram.write64(slab + PREV, 0);
        if (next != 0) {
            ram.write64(next + PREV, slab);
        }
        ram.write32(slab + LIST, list);
        setHead(list, slab);
        setCount(list, counts[list] + 1);
    }

    private void setHead(int list, long slab) {
        heads[list] = slab;
        ram.write64(descriptor + CacheTable.D_HEADS + 8L * list, slab);
    }

    private void setCount(int list, int count) {
        counts[list] = count;
        ram.write32(descriptor + CacheTable.D_COUNTS + 4L * list, count);
    }

    private void setActive(long value) {
        active = value;
        ram.write64(descriptor + CacheTable.D_ACTIVE, value);
    }

    @Override
    public String toString() {
        return "slab cache " + name;
    }
}
