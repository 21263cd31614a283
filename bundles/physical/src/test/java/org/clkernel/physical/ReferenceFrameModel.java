package org.clkernel.physical;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a frame allocator may observably do, told as simply as possible: one byte per frame (not
 * managed, free, or held) and the set of allocated blocks. It knows nothing of buddy lists, caches
 * or descriptors, so it can say which outcomes are possible without sharing the allocator's
 * mistakes.
 *
 * <p>Invariants: a block's frames are all {@link #HELD} and belong to no other block; every
 * {@link #HELD} frame belongs to exactly one block; an owner's count is the sum of its blocks'
 * sizes. {@link #allocate} fails the test if a new block would break them.
 */
final class ReferenceFrameModel {
    /** First frame above ISA DMA reach (16 MiB). */
    static final long DMA_LIMIT = (16L << 20) >>> 12;
    static final int DMA = 0;
    static final int NORMAL = 1;

    static final byte UNMANAGED = 0;
    static final byte FREE = 1;
    static final byte HELD = 2;

    record ModelBlock(long pfn, int order, int owner) {
        long size() {
            return 1L << order;
        }

        long end() {
            return pfn + size();
        }
    }

    private final byte[] frames;
    private final TreeMap<Long, ModelBlock> blocks = new TreeMap<>();
    private final Map<Integer, Long> owned = new HashMap<>();

    ReferenceFrameModel(long spanned) {
        this.frames = new byte[Math.toIntExact(spanned)];
    }

    static int zoneOf(long pfn) {
        return pfn < DMA_LIMIT ? DMA : NORMAL;
    }

    /** Hands frames [from, to) to the model as free memory. */
    void manage(long from, long to) {
        for (long pfn = Math.max(from, 0); pfn < Math.min(to, frames.length); pfn++) {
            frames[(int) pfn] = FREE;
        }
    }

    long spanned() {
        return frames.length;
    }

    boolean isManaged(long pfn) {
        return pfn >= 0 && pfn < frames.length && frames[(int) pfn] != UNMANAGED;
    }

    long managedFrames(int zone) {
        return count(zone, UNMANAGED, true);
    }

    long freeFrames(int zone) {
        return count(zone, FREE, false);
    }

    private long count(int zone, byte state, boolean not) {
        long n = 0;
        for (int pfn = 0; pfn < frames.length; pfn++) {
            if (zoneOf(pfn) == zone && (frames[pfn] == state) != not) {
                n++;
            }
        }
        return n;
    }

    /** Whether the zone holds 2^order free frames starting at a multiple of 2^order. */
    boolean hasFreeBlock(int order, int zone) {
        long size = 1L << order;
        long from = zone == DMA ? 0 : DMA_LIMIT;
        long to = zone == DMA ? Math.min(DMA_LIMIT, frames.length) : frames.length;
        for (long start = from; start + size <= to; start += size) {
            if (allFree(start, size)) {
                return true;
            }
        }
        return false;
    }

    private boolean allFree(long start, long size) {
        for (long pfn = start; pfn < start + size; pfn++) {
            if (frames[(int) pfn] != FREE) {
                return false;
            }
        }
        return true;
    }

    /** Records a new block; fails if it is misaligned or touches a frame that is not free. */
    void allocate(long pfn, int order, int owner) {
        ModelBlock b = new ModelBlock(pfn, order, owner);
        if (pfn % b.size() != 0) {
            throw new AssertionError(b + " is not aligned to its order");
        }
        if (zoneOf(pfn) != zoneOf(b.end() - 1)) {
            throw new AssertionError(b + " spans the 16 MiB zone boundary");
        }
        for (long f = pfn; f < b.end(); f++) {
            if (f < 0 || f >= frames.length || frames[(int) f] != FREE) {
                throw new AssertionError(b + " takes frame 0x" + Long.toHexString(f) + ", which is "
                        + (isManaged(f) ? "held by " + holder(f) : "not managed"));
            }
        }
        for (long f = pfn; f < b.end(); f++) {
            frames[(int) f] = HELD;
        }
        blocks.put(pfn, b);
        owned.merge(owner, b.size(), Long::sum);
    }

    /** Whether free(pfn, order, owner) names exactly one live block. */
    boolean canFree(long pfn, int order, int owner) {
        ModelBlock b = blocks.get(pfn);
        return b != null && b.order() == order && b.owner() == owner;
    }

    void free(long pfn) {
        ModelBlock b = blocks.remove(pfn);
        for (long f = pfn; f < b.end(); f++) {
            frames[(int) f] = FREE;
        }
        owned.merge(b.owner(), -b.size(), Long::sum);
    }

    long releaseAll(int owner) {
        long freed = 0;
        for (ModelBlock b : blocks()) {
            if (b.owner() == owner) {
                free(b.pfn());
                freed += b.size();
            }
        }
        return freed;
    }

    long owned(int owner) {
        return owned.getOrDefault(owner, 0L);
    }

    /** Whether one more block of this order takes the owner past a quota (0 is unlimited). */
    boolean wouldExceed(int owner, int order, long quota) {
        return quota > 0 && owned(owner) + (1L << order) > quota;
    }

    ModelBlock block(long pfn) {
        return blocks.get(pfn);
    }

    /** The live blocks in address order. */
    List<ModelBlock> blocks() {
        return new ArrayList<>(blocks.values());
    }

    private ModelBlock holder(long pfn) {
        Map.Entry<Long, ModelBlock> e = blocks.floorEntry(pfn);
        return e != null && e.getValue().end() > pfn ? e.getValue() : null;
    }
}
