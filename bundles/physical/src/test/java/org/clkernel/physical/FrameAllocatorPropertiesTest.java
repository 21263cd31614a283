package org.clkernel.physical;

import static org.clkernel.physical.ReferenceFrameModel.DMA;
import static org.clkernel.physical.ReferenceFrameModel.DMA_LIMIT;
import static org.clkernel.physical.ReferenceFrameModel.NORMAL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.clkernel.api.CheckResult;
import org.clkernel.api.machine.MemoryRegion;
import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.machine.RegionType;
import org.clkernel.api.physical.DetectedRegion;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.physical.FrameAllocator.Block;
import org.clkernel.api.physical.FrameQuota;
import org.clkernel.api.physical.Gfp;
import org.clkernel.api.physical.ZoneStats;
import org.clkernel.machine.EmulatedMachine;
import org.clkernel.physical.ReferenceFrameModel.ModelBlock;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Runs random sequences of allocations, frees, refused frees, bulk releases and quota changes on a
 * {@link BuddyFrameAllocator} of a small machine (exhaustion is a few steps away) and on
 * {@link ReferenceFrameModel} in lockstep, and after every step holds the allocator to the model:
 * <ul>
 * <li>a block is aligned to its order, lies in one detected usable region above the reserved
 *     area, below 16 MiB when DMA was asked for, and overlaps no live block;</li>
 * <li>OVER_QUOTA exactly when the model's count plus the block passes the quota; otherwise
 *     NO_MEMORY exactly when the model has no free aligned block of the order in the zones allowed,
 *     frames parked in the per-CPU cache included;</li>
 * <li>a refused free throws IllegalArgumentException and changes no zone statistic and no block;</li>
 * <li>owners' counts, zones' free frames and every block agree with the model; check() is ok;</li>
 * <li>at the end, freeing everything and draining the caches restores the boot-time free lists.</li>
 * </ul>
 */
class FrameAllocatorPropertiesTest {
    static final int RAM_MIB = 24;
    static final int[] OWNERS = {FrameAllocator.KERNEL, 1, 2, 3};
    static final long[] QUOTAS = {0, 0, 1, 4, 16, 64, 256, 1024, 4096};

    // ---- the properties ------------------------------------------------------------------------

    @Property(tries = 200)
    void everyStepAgreesWithTheReferenceModel(@ForAll("runs") List<Op> run) {
        Lockstep s = new Lockstep();
        for (Op op : run) {
            op.apply(s);
            s.verify(op);
        }
        s.freeEverythingAndCompareWithBoot();
        s.collectStatistics();
    }

    @Property(tries = 100)
    void aReattachedInstanceKeepsEveryBlockAndCarriesOn(@ForAll("runs") List<Op> run,
            @ForAll("reattachPoints") List<Integer> points) {
        List<Op> steps = new ArrayList<>(run);
        for (int at : points) {
            steps.add(at % (steps.size() + 1), new Reattach());
        }
        Lockstep s = new Lockstep();
        for (Op op : steps) {
            op.apply(s);
            s.verify(op);
        }
        s.freeEverythingAndCompareWithBoot();
        Statistics.label("blocks live at a reattach").collect(s.blocksAtReattach > 0);
    }

    // ---- operations ----------------------------------------------------------------------------

    /** One step, done on the allocator and the model; any disagreement fails the run. */
    sealed interface Op {
        void apply(Lockstep s);
    }

    record Alloc(int order, int owner, boolean dma, boolean zero) implements Op {
        public void apply(Lockstep s) {
            s.allocate(order, owner, (dma ? Gfp.DMA : 0) | (zero ? Gfp.ZERO : 0));
        }
    }

    /** Many order-0 allocations in a row: fills and empties the per-CPU cache. */
    record Burst(int owner, int count) implements Op {
        public void apply(Lockstep s) {
            for (int i = 0; i < count; i++) {
                s.allocate(0, owner, Gfp.NONE);
            }
        }
    }

    /** Allocates blocks of one order until the answer is no: drives the allocator into exhaustion. */
    record Exhaust(int order, int owner, boolean dma) implements Op {
        public void apply(Lockstep s) {
            for (int i = 0; i < 6000 && s.allocate(order, owner, dma ? Gfp.DMA : Gfp.NONE) >= 0; i++) {
                // the next one
            }
        }
    }

    /** Frees a live block, picked by index. */
    record Free(int pick) implements Op {
        public void apply(Lockstep s) {
            List<ModelBlock> live = s.model.blocks();
            if (!live.isEmpty()) {
                ModelBlock b = live.get(pick % live.size());
                s.free(b.pfn(), b.order(), b.owner());
            }
        }
    }

    enum Wrong { DOUBLE, ORDER, OWNER, TAIL, OUT_OF_RANGE, ANY_FRAME }

    /** A free the allocator must refuse, unless the model says the arguments name a live block. */
    record BadFree(Wrong kind, int pick, int delta) implements Op {
        public void apply(Lockstep s) {
            List<ModelBlock> live = s.model.blocks();
            ModelBlock b = live.isEmpty() ? null : live.get(pick % live.size());
            switch (kind) {
                case DOUBLE -> {
                    ModelBlock gone = s.freed.isEmpty() ? null : List.copyOf(s.freed).get(pick % s.freed.size());
                    if (gone != null) {
                        s.free(gone.pfn(), gone.order(), gone.owner());
                        return;
                    }
                }
                case ORDER -> {
                    if (b != null) {
                        int[] orders = {-1, FrameAllocator.MAX_ORDER + 1, (b.order() + 1 + delta % 10) % 11};
                        s.free(b.pfn(), orders[delta % orders.length], b.owner());
                        return;
                    }
                }
                case OWNER -> {
                    if (b != null) {
                        int[] owners = {-1, FrameAllocator.MAX_OWNER, OWNERS[delta % OWNERS.length], b.owner() + 1};
                        s.free(b.pfn(), b.order(), owners[(delta / 7) % owners.length]);
                        return;
                    }
                }
                case TAIL -> {
                    if (b != null && b.order() > 0) {
                        s.free(b.pfn() + 1 + delta % (b.size() - 1), b.order(), b.owner());
                        return;
                    }
                }
                case ANY_FRAME -> {
                    s.free(delta % s.model.spanned(), pick % (FrameAllocator.MAX_ORDER + 1), OWNERS[pick % OWNERS.length]);
                    return;
                }
                default -> {
                }
            }
            long spanned = s.model.spanned();
            long[] outside = {-1, -1 - delta, spanned, spanned + delta, 1L << 20, Long.MAX_VALUE, Long.MIN_VALUE};
            s.free(outside[pick % outside.length], 0, OWNERS[delta % OWNERS.length]);
        }
    }

    record ReleaseAll(int owner) implements Op {
        public void apply(Lockstep s) {
            s.releaseAll(owner);
        }
    }

    /** Installs a new quota source (a snapshot of the quota map) the way SCR rebinds one. */
    record SetQuota(int owner, long quota) implements Op {
        public void apply(Lockstep s) {
            s.setQuota(owner, quota);
        }
    }

    record Drain() implements Op {
        public void apply(Lockstep s) {
            s.frames.drainCaches();
            for (ZoneStats z : s.frames.zones()) {
                assertEquals(0, z.cachedFrames(), z.zone() + " cache after drainCaches()");
            }
        }
    }

    /** A restarted bundle: a second allocator on the same machine finds its state in RAM. */
    record Reattach() implements Op {
        public void apply(Lockstep s) {
            s.reattach();
        }
    }

    // ---- the lockstep --------------------------------------------------------------------------

    static final class Lockstep {
        final EmulatedMachine machine = new EmulatedMachine(RAM_MIB);
        final PhysicalMemory ram = machine.physical();
        BuddyFrameAllocator frames = new BuddyFrameAllocator(machine);
        final ReferenceFrameModel model;
        /** First frame above the low MiB, the kernel image and the allocator's own state. */
        final long reservedEnd;
        final List<ZoneStats> boot;
        final Map<Integer, Long> quotas = new HashMap<>();
        FrameQuota quota = owner -> 0;
        /** Blocks freed lately: candidates for a double free. */
        final Deque<ModelBlock> freed = new ArrayDeque<>();

        boolean overQuota;
        boolean noMemory;
        boolean noMemoryWithCache;
        boolean servedAfterDrain;
        boolean dmaFallback;
        boolean refused;
        int blocksAtReattach;

        Lockstep() {
            List<DetectedRegion> usable = new ArrayList<>();
            for (MemoryRegion r : machine.memoryMap()) {
                long base = (r.base() + 4095) & -4096L;
                long end = r.end() & -4096L;
                if (r.type() == RegionType.USABLE && end > base) {
                    usable.add(new DetectedRegion(base, end - base));
                }
            }
            assertEquals(usable, frames.regions(), "detected regions are the firmware's usable entries in whole pages");
            long spanned = usable.get(usable.size() - 1).end() >>> 12;
            assertEquals(spanned, frames.spannedFrames());
            reservedEnd = (FrameTable.DESCRIPTORS + spanned * FrameTable.DESCRIPTOR + 4095) >>> 12;
            assertTrue(reservedEnd >= (2L << 20) >>> 12, "the kernel image up to 2 MiB is reserved");
            model = new ReferenceFrameModel(spanned);
            for (DetectedRegion r : usable) {
                model.manage(Math.max(r.base() >>> 12, reservedEnd), r.end() >>> 12);
            }
            assertEquals(spanned - model.managedFrames(DMA) - model.managedFrames(NORMAL), frames.reservedFrames());
            frames.setQuota(quota);
            boot = frames.zones();
            verify(null);
        }

        long allocate(int order, int owner, int gfp) {
            boolean dma = (gfp & Gfp.DMA) != 0;
            long limit = quotas.getOrDefault(owner, 0L);
            boolean exceeds = model.wouldExceed(owner, order, limit);
            boolean fitsNormal = !dma && model.hasFreeBlock(order, NORMAL);
            boolean fits = fitsNormal || model.hasFreeBlock(order, DMA);
            List<ZoneStats> before = frames.zones();
            String call = String.format("allocate(order %d, owner %d, gfp %d)", order, owner, gfp);

            long pfn = frames.allocate(order, owner, gfp);

            if (exceeds) {
                assertEquals(FrameAllocator.OVER_QUOTA, pfn, call + ": the owner holds " + model.owned(owner) + " of " + limit);
                assertSameZones(before, frames.zones(), call);
                overQuota = true;
                return pfn;
            }
            assertTrue(pfn != FrameAllocator.OVER_QUOTA, call + ": OVER_QUOTA, but the owner holds "
                    + model.owned(owner) + " of " + (limit == 0 ? "unlimited" : limit));
            if (!fits) {
                assertEquals(FrameAllocator.NO_MEMORY, pfn, call + ": the model has no free aligned block for it");
                noMemory = true;
                noMemoryWithCache |= cached(before) > 0;
                return pfn;
            }
            assertTrue(pfn >= 0, call + " returned " + pfn + ", but the model has a free aligned block of order " + order
                    + " in " + (fitsNormal ? "Normal" : "DMA") + " (" + cached(before) + " frames cached)");
            long size = 1L << order;
            assertEquals(0, pfn & (size - 1), call + ": block 0x" + Long.toHexString(pfn) + " is not aligned");
            assertTrue(pfn >= reservedEnd, call + ": block 0x" + Long.toHexString(pfn) + " lies in the reserved area");
            assertTrue(frames.regions().stream().anyMatch(r -> r.base() <= pfn << 12 && (pfn + size) << 12 <= r.end()),
                    call + ": block 0x" + Long.toHexString(pfn) + " is not inside one usable region");
            if (dma) {
                assertTrue(pfn + size <= DMA_LIMIT, call + ": block 0x" + Long.toHexString(pfn) + " is above 16 MiB");
            } else if (pfn < DMA_LIMIT) {
                dmaFallback = true;
                // Normal comes first; frames parked in Normal's cache are the one thing that may hide a block.
                assertTrue(!fitsNormal || (order > 0 && before.get(NORMAL).cachedFrames() > 0),
                        call + ": served from DMA although Normal has a free aligned block");
            }
            servedAfterDrain |= order > 0 && !listsHold(before, order, dma);
            model.allocate(pfn, order, owner);
            assertTrue(limit == 0 || model.owned(owner) <= limit, call + ": the owner now holds more than its quota " + limit);
            for (long f = pfn; f < pfn + size; f++) {
                if ((gfp & Gfp.ZERO) != 0) {
                    assertEquals(0, ram.read32(f << 12) | ram.read32((f << 12) + 4092),
                            call + ": frame 0x" + Long.toHexString(f) + " of a GFP ZERO block is not zero");
                }
                ram.write32(f << 12, marker(f, owner));
                ram.write32((f << 12) + 4092, marker(f, owner));
            }
            return pfn;
        }

        /** Frees as asked: the model decides whether the call names a live block or must be refused. */
        void free(long pfn, int order, int owner) {
            String call = String.format("free(0x%x, order %d, owner %d)", pfn, order, owner);
            if (model.canFree(pfn, order, owner)) {
                frames.free(pfn, order, owner);
                freed.addFirst(model.block(pfn));
                model.free(pfn);
            } else {
                List<ZoneStats> before = frames.zones();
                Block blockBefore = frames.block(pfn);
                assertThrows(IllegalArgumentException.class, () -> frames.free(pfn, order, owner), call + " must be refused");
                assertSameZones(before, frames.zones(), call);
                assertEquals(blockBefore, frames.block(pfn), call + " changed the block");
                refused = true;
            }
            while (freed.size() > 16) {
                freed.removeLast();
            }
        }

        void releaseAll(int owner) {
            for (ModelBlock b : model.blocks()) {
                if (b.owner() == owner) {
                    freed.addFirst(b);
                }
            }
            long expected = model.releaseAll(owner);
            assertEquals(expected, frames.releaseAll(owner), "releaseAll(" + owner + ")");
        }

        void setQuota(int owner, long limit) {
            quotas.put(owner, limit);
            Map<Integer, Long> snapshot = Map.copyOf(quotas);
            FrameQuota old = quota;
            quota = o -> snapshot.getOrDefault(o, 0L);
            frames.setQuota(quota);
            frames.unsetQuota(old); // SCR unbinds the old source after binding the new one: a no-op
        }

        void reattach() {
            assertMarkersIntact();
            blocksAtReattach = model.blocks().size();
            frames = new BuddyFrameAllocator(machine);
            assertTrue(frames.attached(), "the second instance found the state in RAM");
            frames.setQuota(quota);
            for (ZoneStats z : frames.zones()) {
                assertEquals(0, z.cachedFrames(), z.zone() + ": frames cached by the old instance went back to the lists");
            }
            assertEveryFrameAgrees();
        }

        /** The invariants that hold between any two steps. */
        void verify(Op after) {
            String step = after == null ? "at boot" : "after " + after;
            CheckResult check = frames.check();
            assertTrue(check.isOk(), step + ": " + check);
            for (int owner : OWNERS) {
                assertEquals(model.owned(owner), frames.framesOwned(owner), step + ": frames owned by " + owner);
            }
            List<ZoneStats> zones = frames.zones();
            for (int zone : new int[] {DMA, NORMAL}) {
                ZoneStats z = zones.get(zone);
                assertEquals(model.managedFrames(zone), z.managedFrames(), step + ": " + z.zone() + " managed frames");
                assertEquals(model.freeFrames(zone), z.freeFrames(), step + ": " + z.zone() + " free frames");
                long onLists = 0;
                for (int order = 0; order <= FrameAllocator.MAX_ORDER; order++) {
                    onLists += z.freeBlocks()[order] << order;
                }
                assertEquals(z.freeFrames(), onLists + z.cachedFrames(), step + ": " + z.zone() + " buddyinfo and cache add up");
            }
            for (ModelBlock b : model.blocks()) {
                assertEquals(new Block(b.pfn(), b.order(), b.owner()), frames.block(b.pfn()), step);
            }
        }

        void freeEverythingAndCompareWithBoot() {
            assertEveryFrameAgrees();
            assertMarkersIntact();
            for (ModelBlock b : model.blocks()) {
                free(b.pfn(), b.order(), b.owner());
            }
            frames.drainCaches();
            List<ZoneStats> end = frames.zones();
            for (int zone : new int[] {DMA, NORMAL}) {
                assertArrayEquals(boot.get(zone).freeBlocks(), end.get(zone).freeBlocks(),
                        boot.get(zone).zone() + ": free blocks per order after freeing everything");
                assertEquals(boot.get(zone).freeFrames(), end.get(zone).freeFrames());
            }
            verify(null);
        }

        /** block(pfn) names exactly the model's block heads, frame by frame. */
        void assertEveryFrameAgrees() {
            assertNull(frames.block(-1));
            for (long pfn = 0; pfn <= model.spanned(); pfn++) {
                ModelBlock b = model.block(pfn);
                assertEquals(b == null ? null : new Block(pfn, b.order(), b.owner()), frames.block(pfn),
                        "block(0x" + Long.toHexString(pfn) + ")");
            }
        }

        /** No allocation, zeroing or bookkeeping wrote into a live block. */
        void assertMarkersIntact() {
            for (ModelBlock b : model.blocks()) {
                for (long f = b.pfn(); f < b.end(); f++) {
                    assertEquals(marker(f, b.owner()), ram.read32(f << 12), "first word of frame 0x" + Long.toHexString(f) + " of " + b);
                    assertEquals(marker(f, b.owner()), ram.read32((f << 12) + 4092), "last word of frame 0x" + Long.toHexString(f));
                }
            }
        }

        void collectStatistics() {
            Statistics.label("OVER_QUOTA seen").collect(overQuota);
            Statistics.label("NO_MEMORY seen").collect(noMemory);
            Statistics.label("NO_MEMORY with frames cached").collect(noMemoryWithCache);
            Statistics.label("served only after draining the cache").collect(servedAfterDrain);
            Statistics.label("ordinary request served from DMA").collect(dmaFallback);
            Statistics.label("free refused").collect(refused);
            // the generator must keep reaching the cases the properties are about
            coverage("OVER_QUOTA seen", 20);
            coverage("NO_MEMORY seen", 50);
            coverage("NO_MEMORY with frames cached", 30);
            coverage("served only after draining the cache", 10);
            coverage("ordinary request served from DMA", 10);
        }

        private static void coverage(String label, double percent) {
            Statistics.label(label).coverage(c -> c.check(true).percentage(p -> p >= percent));
        }

        private static int marker(long pfn, int owner) {
            return (int) (0x80000000L | pfn << 8 | owner);
        }

        private static long cached(List<ZoneStats> zones) {
            return zones.get(DMA).cachedFrames() + zones.get(NORMAL).cachedFrames();
        }

        /** Whether the buddy lists (not counting the cache) hold a block of this order or larger. */
        private static boolean listsHold(List<ZoneStats> zones, int order, boolean dmaOnly) {
            for (int zone = dmaOnly ? DMA : NORMAL; zone >= DMA; zone--) {
                for (int o = order; o <= FrameAllocator.MAX_ORDER; o++) {
                    if (zones.get(zone).freeBlocks()[o] > 0) {
                        return true;
                    }
                }
            }
            return false;
        }

        private static void assertSameZones(List<ZoneStats> expected, List<ZoneStats> actual, String call) {
            for (int zone = 0; zone < expected.size(); zone++) {
                ZoneStats e = expected.get(zone);
                ZoneStats a = actual.get(zone);
                String what = call + " changed " + e.zone();
                assertEquals(e.managedFrames(), a.managedFrames(), what);
                assertEquals(e.freeFrames(), a.freeFrames(), what);
                assertEquals(e.cachedFrames(), a.cachedFrames(), what);
                assertArrayEquals(e.freeBlocks(), a.freeBlocks(), what);
            }
        }
    }

    // ---- generators ----------------------------------------------------------------------------

    @Provide
    Arbitrary<List<Op>> runs() {
        Arbitrary<Integer> order = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(0)),
                Tuple.of(3, Arbitraries.integers().between(1, 3)),
                Tuple.of(2, Arbitraries.integers().between(4, 7)),
                Tuple.of(1, Arbitraries.integers().between(8, FrameAllocator.MAX_ORDER)));
        Arbitrary<Integer> owner = Arbitraries.of(OWNERS[0], OWNERS[1], OWNERS[2], OWNERS[3]);
        Arbitrary<Integer> pick = Arbitraries.integers().between(0, 1 << 16);
        Arbitrary<Op> alloc = Combinators.combine(order, owner, Arbitraries.of(false, false, false, true),
                Arbitraries.of(false, false, true)).as(Alloc::new);
        Arbitrary<Op> burst = Combinators.combine(owner, Arbitraries.integers().between(1, 80)).as(Burst::new);
        Arbitrary<Op> free = pick.map(Free::new);
        Arbitrary<Op> badFree = Combinators.combine(Arbitraries.of(Wrong.class), pick, pick).as(BadFree::new);
        Arbitrary<Op> releaseAll = owner.map(ReleaseAll::new);
        Arbitrary<Op> exhaust = Combinators.combine(Arbitraries.integers().between(0, FrameAllocator.MAX_ORDER),
                Arbitraries.of(OWNERS[0], OWNERS[1]), Arbitraries.of(false, false, true)).as(Exhaust::new);
        // owners 0 (the kernel, never limited) and 1 stay unlimited, so that exhaustion is reachable;
        // 2 and 3 meet their quotas
        Arbitrary<Op> setQuota = Combinators.combine(Arbitraries.of(OWNERS[2], OWNERS[3]), Arbitraries.of(boxed(QUOTAS)))
                .as(SetQuota::new);
        Arbitrary<Op> step = Arbitraries.frequencyOf(
                Tuple.of(10, alloc),
                Tuple.of(1, burst),
                Tuple.of(1, exhaust),
                Tuple.of(6, free),
                Tuple.of(3, badFree),
                Tuple.of(1, releaseAll),
                Tuple.of(1, setQuota),
                Tuple.of(1, Arbitraries.just(new Drain())));
        return step.list().ofMinSize(50).ofMaxSize(200);
    }

    @Provide
    Arbitrary<List<Integer>> reattachPoints() {
        return Arbitraries.integers().between(0, 200).list().ofMinSize(1).ofMaxSize(2);
    }

    private static List<Long> boxed(long[] values) {
        List<Long> list = new ArrayList<>();
        for (long v : values) {
            list.add(v);
        }
        return list;
    }
}
