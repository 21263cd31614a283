package org.clkernel.physical;

import static org.clkernel.physical.FrameTable.ALLOCATED;
import static org.clkernel.physical.FrameTable.CACHED;
import static org.clkernel.physical.FrameTable.NONE;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import org.clkernel.api.CheckResult;
import org.clkernel.api.machine.AnchorTable;
import org.clkernel.api.machine.Machine;
import org.clkernel.api.physical.DetectedRegion;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.physical.FrameQuota;
import org.clkernel.api.physical.Gfp;
import org.clkernel.api.physical.Zone;
import org.clkernel.api.physical.ZoneStats;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The physical memory manager: detects usable RAM from the Multiboot map, reserves the first MiB,
 * the kernel image (1-2 MiB) and its own state, and serves blocks from the buddy lists of the DMA
 * and Normal zones, with a per-CPU cache of order-0 frames in front.
 *
 * <p>All state is in RAM ({@link FrameTable}), found again through the anchor {@value #ANCHOR}: a
 * restarted or updated bundle re-attaches and keeps every allocation. The only Java-side state,
 * the per-owner frame counts and the cache array, is rebuilt from the descriptors on attach.
 */
@Component(service = FrameAllocator.class, immediate = true)
public final class BuddyFrameAllocator implements FrameAllocator {
    static final String ANCHOR = "physical";
    private static final long KERNEL_IMAGE = 1L << 20;

    private final Machine machine;
    private final FrameTable t;
    private final BuddyLists buddy;
    private final FrameCache cache;
    private final long spanned;
    private final long reserved;
    private final boolean attached;
    private final List<DetectedRegion> regions;
    private final List<String> report;
    /** Frames held per owner: a cache of what the descriptors say. */
    private final long[] owned = new long[MAX_OWNER];

    private volatile FrameQuota quota;

    @Activate
    public BuddyFrameAllocator(@Reference(name = "machine") Machine machine) {
        this.machine = machine;
        this.t = new FrameTable(machine.physical());
        MemoryDetector detected = new MemoryDetector(machine.physical(), machine.multibootInfo());
        this.regions = List.copyOf(detected.usable);
        this.report = List.copyOf(detected.report);
        this.spanned = regions.isEmpty() ? 0 : regions.get(regions.size() - 1).end() >>> 12;
        this.buddy = new BuddyLists(t, spanned);
        this.cache = new FrameCache(t, buddy);
        AnchorTable anchors = machine.anchors();
        OptionalLong anchor = anchors.get(ANCHOR);
        if (anchor.isPresent() && anchor.getAsLong() == FrameTable.HEADER && t.magic() == FrameTable.MAGIC
                && t.version() == FrameTable.VERSION && t.spanned() == spanned
                && t.descriptorBase() == FrameTable.DESCRIPTORS) {
            this.reserved = t.reserved();
            this.attached = true;
            reattach();
        } else {
            this.reserved = format();
            this.attached = false;
            anchors.put(ANCHOR, FrameTable.HEADER);
        }
    }

    /** Binds the quota source (the actor table); the allocator works without one, unlimited. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void setQuota(FrameQuota quota) {
        this.quota = quota;
    }

    /** SCR binds a replacement before it unbinds the old one: clear only if it is still ours. */
    public void unsetQuota(FrameQuota gone) {
        if (quota == gone) {
            quota = null;
        }
    }

    /** Whether this instance found its state in RAM rather than initialising it. */
    boolean attached() {
        return attached;
    }

    // ---- boot ----------------------------------------------------------------------------------

    private long format() {
        long stateEnd = FrameTable.DESCRIPTORS + spanned * FrameTable.DESCRIPTOR;
        long firstFree = (stateEnd + 4095) >>> 12;
        boolean stateFits = regions.stream()
                .anyMatch(r -> r.base() <= KERNEL_IMAGE && r.end() >= firstFree << 12);
        if (!stateFits) {
            throw new IllegalStateException(String.format(
                    "no usable memory from 1 MiB to 0x%x for the kernel image and frame descriptors", firstFree << 12));
        }
        machine.physical().zero(FrameTable.HEADER, stateEnd - FrameTable.HEADER);
        t.writeHeader(spanned, 0);
        for (int zone = 0; zone < FrameTable.ZONES; zone++) {
            for (int order = 0; order <= MAX_ORDER; order++) {
                t.setHead(zone, order, NONE);
            }
        }
        long managed = 0;
        for (DetectedRegion r : regions) {
            long start = Math.max(r.base() >>> 12, firstFree);
            long end = r.end() >>> 12;
            long dmaEnd = Math.min(end, Zone.DMA_LIMIT_PFN);
            if (start < dmaEnd) {
                managed += buddy.seed(start, dmaEnd, Zone.DMA.ordinal());
            }
            long normalStart = Math.max(start, Zone.DMA_LIMIT_PFN);
            if (normalStart < end) {
                managed += buddy.seed(normalStart, end, Zone.Normal.ordinal());
            }
        }
        long reservedFrames = spanned - managed;
        t.writeHeader(spanned, reservedFrames);
        return reservedFrames;
    }

    /** Rebuilds the Java caches from the descriptors; frames a cache held go back to the buddy lists. */
    private void reattach() {
        List<long[]> wasCached = new ArrayList<>();
        for (long pfn = 0; pfn < spanned; pfn++) {
            int info = t.info(pfn);
            int state = FrameTable.state(info);
            if (state == ALLOCATED) {
                int owner = t.owner(pfn);
                if (owner >= 0 && owner < MAX_OWNER) {
                    owned[owner] += 1L << FrameTable.order(info);
                }
            } else if (state == CACHED) {
                wasCached.add(new long[] {pfn, FrameTable.zone(info)});
            }
        }
        synchronized (this) {
            for (long[] c : wasCached) {
                t.addCached((int) c[1], -1);
                buddy.give(c[0], 0, (int) c[1]);
            }
        }
    }

    // ---- allocation ----------------------------------------------------------------------------

    @Override
    public long allocate(int order, int owner, int gfp) {
        checkOrder(order);
        checkOwner(owner);
        long frames = 1L << order;
        long pfn;
        FrameQuota q = owner == KERNEL ? null : quota; // the kernel is never limited
        synchronized (this) {
            if (q != null) {
                long limit = q.frameQuota(owner);
                if (limit > 0 && owned[owner] + frames > limit) {
                    return OVER_QUOTA;
                }
            }
            pfn = takeBlock(order, gfp);
            if (pfn < 0 && drainedSomething()) {
                pfn = takeBlock(order, gfp); // cached frames may have merged into a larger block
            }
            if (pfn < 0) {
                return NO_MEMORY;
            }
            t.setInfo(pfn, FrameTable.info(ALLOCATED, order, Zone.of(pfn).ordinal()));
            t.setOwner(pfn, owner);
            owned[owner] += frames;
        }
        if ((gfp & Gfp.ZERO) != 0) {
            machine.physical().zero(pfn << 12, frames << 12);
        }
        return pfn;
    }

    /** Normal zone first, DMA as the fallback, as Linux's zonelist orders them; DMA only for GFP DMA. */
    private long takeBlock(int order, int gfp) {
        int first = (gfp & Gfp.DMA) != 0 ? Zone.DMA.ordinal() : Zone.Normal.ordinal();
        for (int zone = first; zone >= 0; zone--) {
            long pfn = order == 0 ? cache.take(zone) : buddy.take(order, zone);
            if (pfn >= 0) {
                return pfn;
            }
        }
        return -1;
    }

    private boolean drainedSomething() {
        boolean any = cache.size(0) + cache.size(1) > 0;
        cache.drain();
        return any;
    }

    @Override
    public void free(long pfn, int order, int owner) {
        checkOrder(order);
        checkOwner(owner);
        synchronized (this) {
            int info = allocatedInfo(pfn);
            if (FrameTable.order(info) != order) {
                throw new IllegalArgumentException(String.format("the block at %s has order %d, not %d",
                        FrameTable.frame(pfn), FrameTable.order(info), order));
            }
            int holder = t.owner(pfn);
            if (holder != owner) {
                throw new IllegalArgumentException(String.format("the block at %s belongs to actor %d, not %d",
                        FrameTable.frame(pfn), holder, owner));
            }
            release(pfn, info, holder);
        }
    }

    private void release(long pfn, int info, int holder) {
        int order = FrameTable.order(info);
        int zone = FrameTable.zone(info);
        owned[holder] -= 1L << order;
        if (order == 0) {
            cache.give(pfn, zone);
        } else {
            buddy.give(pfn, order, zone);
        }
    }

    /** The descriptor of an allocated block's first frame, or a clear refusal. */
    private int allocatedInfo(long pfn) {
        if (pfn < 0 || pfn >= spanned) {
            throw new IllegalArgumentException(String.format("frame 0x%x is outside managed memory (0 to 0x%x)", pfn, spanned - 1));
        }
        int info = t.info(pfn);
        int state = FrameTable.state(info);
        if (state != ALLOCATED) {
            throw new IllegalArgumentException(String.format("%s is not the start of an allocated block (it is %s)",
                    FrameTable.frame(pfn), FrameTable.stateName(state)));
        }
        return info;
    }

    @Override
    public synchronized long releaseAll(int owner) {
        checkOwner(owner);
        long freed = 0;
        for (long pfn = 0; pfn < spanned && owned[owner] > 0; pfn++) {
            int info = t.info(pfn);
            if (FrameTable.state(info) == ALLOCATED && t.owner(pfn) == owner) {
                freed += 1L << FrameTable.order(info);
                release(pfn, info, owner);
            }
        }
        return freed;
    }

    @Override
    public synchronized long framesOwned(int owner) {
        checkOwner(owner);
        return owned[owner];
    }

    @Override
    public synchronized Block block(long pfn) {
        if (pfn < 0 || pfn >= spanned) {
            return null;
        }
        int info = t.info(pfn);
        return FrameTable.state(info) == ALLOCATED ? new Block(pfn, FrameTable.order(info), t.owner(pfn)) : null;
    }

    @Override
    public synchronized void drainCaches() {
        cache.drain();
    }

    // ---- statistics and checks -----------------------------------------------------------------

    @Override
    public synchronized List<ZoneStats> zones() {
        List<ZoneStats> zones = new ArrayList<>();
        for (Zone z : Zone.values()) {
            int zone = z.ordinal();
            long[] blocks = new long[MAX_ORDER + 1];
            for (int order = 0; order <= MAX_ORDER; order++) {
                blocks[order] = t.count(zone, order);
            }
            zones.add(new ZoneStats(z, t.managed(zone), t.free(zone) + t.cached(zone), blocks, t.cached(zone)));
        }
        return zones;
    }

    @Override
    public List<DetectedRegion> regions() {
        return regions;
    }

    @Override
    public List<String> detectionReport() {
        return report;
    }

    @Override
    public long spannedFrames() {
        return spanned;
    }

    @Override
    public long reservedFrames() {
        return reserved;
    }

    @Override
    public synchronized CheckResult check() {
        return new FrameCheck(t, spanned, cache, owned).run();
    }

    private static void checkOrder(int order) {
        if (order < 0 || order > MAX_ORDER) {
            throw new IllegalArgumentException("order " + order + " is outside 0.." + MAX_ORDER);
        }
    }

    private static void checkOwner(int owner) {
        if (owner < 0 || owner >= MAX_OWNER) {
            throw new IllegalArgumentException("owner " + owner + " is outside 0.." + (MAX_OWNER - 1));
        }
    }
}
