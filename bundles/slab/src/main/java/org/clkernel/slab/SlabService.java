package org.clkernel.slab;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.clkernel.api.CheckResult;
import org.clkernel.api.machine.AnchorTable;
import org.clkernel.api.machine.Machine;
import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.physical.Gfp;
import org.clkernel.api.slab.ObjectConstructor;
import org.clkernel.api.slab.SlabAllocator;
import org.clkernel.api.slab.SlabCache;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The slab allocator service. All its state is in emulated RAM: the {@link CacheTable} behind the
 * anchor {@value CacheTable#ANCHOR}, and each slab's header, bitmap and free stack inside the
 * slab's own frames. A new instance re-attaches to that state and keeps every cache and every live
 * object; the Java objects (the caches' mirrors of their descriptors, the map from slab to cache)
 * are caches of RAM, rebuilt on attach.
 *
 * <p>The slab layer (slab lists, bitmaps, free stacks) is serialised on one lock. In front of it
 * each cache has Bonwick and Adams' magazine layer (USENIX 2001): every thread has a loaded and a
 * previous {@link Magazine} per cache ({@link CpuCache}), and the cache has a {@link Depot} of full
 * and empty magazines under its own lock, so that most allocations and frees take neither the
 * allocator's lock nor the depot's. Objects in magazines are allocated in their slabs' bitmaps but
 * held by no caller; which objects callers hold is kept per slab in a {@link SlabTag}.
 *
 * <p>Lock order: the registry lock, then {@link CpuCache} locks, then the allocator's lock, then
 * depot locks. Code that holds the allocator's lock only ever tries a CpuCache lock.
 */
@Component(service = SlabAllocator.class, immediate = true)
public final class SlabService implements SlabAllocator {
    static final int MAX_FINDINGS = 64;

    private final Object lock = new Object();
    /** Held while a thread registers its magazines and while every magazine is drained or counted. */
    private final Object registry = new Object();
    private final PhysicalMemory ram;
    private final FrameAllocator frames;
    private final long table;
    private final boolean attached;
    private final List<Cache> caches = new ArrayList<>();
    private final Map<String, Cache> byName = new HashMap<>();
    /**
     * Each slab's tag by the frame number of its first frame: a cache of the caches' lists in RAM.
     * Written under the lock, read without it by frees (a stale tag only sends a free to the slow path).
     */
    private final SlabTag[] tags;
    /** Bit k set when some cache has slabs of 2^k frames. */
    private int orders;
    private final ArrayDeque<String> findings = new ArrayDeque<>();
    /** Set when the component goes: a new instance owns the RAM state from then on. */
    private volatile boolean closed;

    @Activate
    public SlabService(@Reference(name = "machine") Machine machine, @Reference(name = "frames") FrameAllocator frames) {
        this.ram = machine.physical();
        this.frames = frames;
        this.tags = new SlabTag[(int) (Math.min(ram.ramSize(), org.clkernel.api.paging.KernelLayout.DIRECT_MAP_MAX) >>> 12)];
        AnchorTable anchors = machine.anchors();
        OptionalLong anchor = anchors.get(CacheTable.ANCHOR);
        if (anchor.isPresent()) {
            table = anchor.getAsLong();
            FrameAllocator.Block block = frames.block(table >>> 12);
            if (block == null || block.order() != CacheTable.ORDER || block.owner() != FrameAllocator.KERNEL
                    || (table & 0xFFF) != 0 || ram.read32(table) != CacheTable.MAGIC
                    || ram.read32(table + 4) != CacheTable.VERSION) {
                throw new IllegalStateException(String.format(
                        "the slab anchor points to 0x%x, where there is no slab cache table", table));
            }
            attached = true;
            attach();
        } else {
            long pfn = frames.allocate(CacheTable.ORDER, FrameAllocator.KERNEL, Gfp.ZERO);
            if (pfn < 0) {
                throw new IllegalStateException("no frames for the slab cache table");
            }
            table = pfn << 12;
            ram.write32(table + 4, CacheTable.VERSION);
            ram.write32(table, CacheTable.MAGIC);
            attached = false;
            anchors.put(CacheTable.ANCHOR, table);
        }
        for (int size = KMALLOC_MIN; size <= KMALLOC_MAX; size <<= 1) {
            String name = "kmalloc-" + size;
            if (!byName.containsKey(name)) {
                create(name, size, Geometry.MIN_ALIGN);
            }
        }
    }

    /** Loads every descriptor and maps every slab on the caches' lists to its cache. */
    private void attach() {
        int used = ram.read32(table + CacheTable.USED);
        for (int i = 0; i < Math.min(used, CacheTable.MAX_CACHES); i++) {
            Cache c = Cache.load(this, i, CacheTable.descriptor(table, i));
            caches.add(c);
            byName.put(c.name, c);
            Set<Long> seen = new HashSet<>();
            for (int list = 0; list < 3; list++) {
                for (long s = c.head(list); s != 0 && seen.add(s) && ram.read32(s) == SlabHeader.MAGIC;
                        s = ram.read64(s + SlabHeader.NEXT)) {
                    remember(s, c).handOutAllocated(c);
                }
            }
        }
    }

    boolean attached() {
        return attached;
    }

    /**
     * The component goes (bundle stop or update): every magazine, of every thread and every depot,
     * is drained back into its slabs in RAM, and this instance and its caches refuse every call
     * from now on, so that two instances never change the same RAM; the next instance re-attaches
     * and finds every object either free in its slab or held by a caller.
     */
    @Deactivate
    public void deactivate() {
        quiesced(null, () -> {
            if (!closed) {
                for (Cache c : caches) {
                    c.drainAll(true);
                }
                closed = true;
            }
            return null;
        }, false);
    }

    /**
     * Runs a body with every magazine of the given caches (all when null) still: the registry
     * lock, each thread's CpuCache lock, the allocator's lock and the depots' locks held.
     */
    <T> T quiesced(Cache only, java.util.function.Supplier<T> body, boolean open) {
        synchronized (registry) {
            List<Cache> all;
            synchronized (lock) {
                if (open) {
                    checkOpen();
                }
                all = only == null ? List.copyOf(caches) : List.of(only);
            }
            List<CpuCache> held = new ArrayList<>();
            try {
                for (Cache c : all) {
                    for (CpuCache cc : c.depot.cpus) {
                        cc.lock();
                        held.add(cc);
                    }
                }
                synchronized (lock) {
                    if (open) {
                        checkOpen();
                    }
                    List<Cache> depots = new ArrayList<>();
                    try {
                        for (Cache c : all) {
                            c.depot.lock.lock();
                            depots.add(c);
                        }
                        return body.get();
                    } finally {
                        depots.forEach(c -> c.depot.lock.unlock());
                    }
                }
            } finally {
                held.forEach(CpuCache::unlock);
            }
        }
    }

    /** Adds a thread's magazines to a cache's register, dead from the start if this instance has gone. */
    void register(Cache c, CpuCache cc) {
        synchronized (registry) {
            if (closed) {
                cc.dead = true;
            } else {
                c.depot.cpus.add(cc);
            }
        }
    }

    /** Refuses a call on an instance that has gone; the caller holds the lock. */
    void checkOpen() {
        if (closed) {
            throw stopped();
        }
    }

    static IllegalStateException stopped() {
        return new IllegalStateException("this slab allocator has stopped: get the SlabAllocator service again");
    }

    Object lock() {
        return lock;
    }

    PhysicalMemory ram() {
        return ram;
    }

    FrameAllocator frames() {
        return frames;
    }

    long table() {
        return table;
    }

    List<Cache> cacheList() {
        return caches;
    }

    SlabTag remember(long slab, Cache c) {
        SlabTag t = new SlabTag(c, slab, c.g.perSlab());
        tags[(int) (slab >>> 12)] = t;
        orders |= 1 << c.g.order();
        return t;
    }

    void forget(long slab) {
        tags[(int) (slab >>> 12)] = null;
    }

    /** The tag of the slab starting at a physical address, or null; read without the lock. */
    SlabTag tag(long slab) {
        long pfn = slab >>> 12;
        return pfn < tags.length ? tags[(int) pfn] : null;
    }

    /** The slab whose frames hold a physical address, or 0. Slabs are naturally aligned buddy blocks. */
    long slabOf(long pa) {
        for (int k = 0, o = orders; o != 0; k++, o >>>= 1) {
            if ((o & 1) != 0) {
                long base = pa & -(4096L << k);
                SlabTag t = tag(base);
                if (t != null && t.cache.g.order() == k) {
                    return base;
                }
            }
        }
        return 0;
    }

    Cache cacheOfSlab(long slab) {
        SlabTag t = tag(slab);
        return t == null ? null : t.cache;
    }

    void finding(String sentence) {
        if (findings.size() == MAX_FINDINGS) {
            findings.removeFirst();
        }
        findings.addLast(sentence);
        ram.write64(table + CacheTable.FINDINGS, ram.read64(table + CacheTable.FINDINGS) + 1);
    }

    /** Findings ever made, as RAM counts them. */
    long findingsCount() {
        synchronized (lock) {
            checkOpen();
            return ram.read64(table + CacheTable.FINDINGS);
        }
    }

    @Override
    public SlabCache create(String name, int objectSize, int align) {
        return create(name, objectSize, align, null);
    }

    /**
     * Creates a cache, or registers the constructor of a cache with constructed objects again:
     * after a restart the descriptor in RAM says its objects are constructed, and the Java
     * constructor is back only when a caller passes it with the same name, size and alignment.
     */
    @Override
    public SlabCache create(String name, int objectSize, int align, ObjectConstructor constructor) {
        String problem = nameProblem(name);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (objectSize < 1 || objectSize > MAX_OBJECT_SIZE) {
            throw new IllegalArgumentException("cache " + name + ": the object size must be 1 to " + MAX_OBJECT_SIZE
                    + " bytes, not " + objectSize);
        }
        if (align < 1 || align > MAX_ALIGN || Integer.bitCount(align) != 1) {
            throw new IllegalArgumentException("cache " + name + ": the alignment must be a power of two from 1 to "
                    + MAX_ALIGN + ", not " + align);
        }
        synchronized (lock) {
            checkOpen();
            Cache existing = byName.get(name);
            if (existing != null) {
                if (constructor == null) {
                    throw new IllegalArgumentException("a cache named " + name + " exists already");
                }
                if (existing.objectSize() != objectSize || existing.askedAlign() != align) {
                    throw new IllegalArgumentException(String.format(
                            "a cache named %s exists already with object size %d and alignment %d, not %d and %d",
                            name, existing.objectSize(), existing.askedAlign(), objectSize, align));
                }
                if (!existing.constructed) {
                    throw new IllegalArgumentException("a cache named " + name
                            + " exists already without a constructor, so it cannot be given one");
                }
                if (existing.constructor() != null) {
                    throw new IllegalArgumentException("a cache named " + name
                            + " exists already and its constructor is registered");
                }
                existing.register(constructor);
                return existing;
            }
            if (caches.size() == CacheTable.MAX_CACHES) {
                throw new IllegalStateException("the slab cache table is full: " + CacheTable.MAX_CACHES + " caches");
            }
            int index = caches.size();
            long descriptor = CacheTable.descriptor(table, index);
            ram.zero(descriptor, CacheTable.DESCRIPTOR);
            Cache c = Cache.format(this, index, descriptor, name, objectSize, align, constructor);
            ram.write32(table + CacheTable.USED, index + 1);
            caches.add(c);
            byName.put(name, c);
            return c;
        }
    }

    private static String nameProblem(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            return "a cache name must be 1 to " + MAX_NAME_LENGTH + " characters long";
        }
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch <= ' ' || ch > '~') {
                return "a cache name must be printable ASCII without spaces: " + name.strip();
            }
        }
        return null;
    }

    @Override
    public Optional<SlabCache> cache(String name) {
        synchronized (lock) {
            checkOpen();
            return Optional.ofNullable(byName.get(name));
        }
    }

    @Override
    public List<SlabCache> caches() {
        synchronized (lock) {
            checkOpen();
            return List.copyOf(caches);
        }
    }

    @Override
    public Optional<SlabCache> cacheOf(long address) {
        long pa = address - org.clkernel.api.paging.KernelLayout.DIRECT_MAP;
        if (pa < 0 || pa >= org.clkernel.api.paging.KernelLayout.DIRECT_MAP_MAX) {
            return Optional.empty();
        }
        synchronized (lock) {
            checkOpen();
            long slab = slabOf(pa);
            return slab == 0 ? Optional.empty() : Optional.of(cacheOfSlab(slab));
        }
    }

    /**
     * Drains every magazine it can (each thread's that is not in use at this moment, and every
     * depot's) back into the slabs, then gives the empty slabs back to the frame allocator.
     */
    @Override
    public long reap() {
        synchronized (lock) {
            checkOpen();
            return reapAll();
        }
    }

    /**
     * Reaps every cache; the caller holds the lock. Also what an allocation does under memory
     * pressure: the depots are drained first (Bonwick and Adams' depot working set), and each
     * thread's magazines whose lock is free at once.
     */
    long reapAll() {
        for (Cache c : caches) {
            c.drainAll(false);
        }
        long freed = 0;
        for (Cache c : caches) {
            freed += c.reap();
        }
        return freed;
    }

    @Override
    public List<String> findings() {
        synchronized (lock) {
            checkOpen();
            return List.copyOf(findings);
        }
    }

    @Override
    public CheckResult check() {
        return quiesced(null, () -> new SlabCheck(this).run(), true);
    }
}
