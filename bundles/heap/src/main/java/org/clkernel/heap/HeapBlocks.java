package org.clkernel.heap;

import static org.clkernel.heap.BlockTags.HEADER;
import static org.clkernel.heap.BlockTags.MIN_BLOCK;

import org.clkernel.api.heap.HeapView;
import org.clkernel.api.heap.PlacementStrategy;

/**
 * Splitting, coalescing and growth of the heap's blocks, keeping the strategy's index in step:
 * every block that becomes free is reported with {@code blockFreed} after coalescing, every free
 * block that stops being one (taken, split, merged) with {@code blockUsed} first.
 *
 * <p>A strategy is not trusted: every answer of {@code find} is checked against the boundary tags,
 * and a strategy that throws or answers wrong is replaced by the built-in {@link FirstFit} at once,
 * in the middle of the operation. That is safe because first fit keeps no index: it reads the
 * tags, which the heap has kept right all along. The failure is then reported to the owner.
 */
final class HeapBlocks implements HeapView {
    private final BlockTags tags;
    private final HeapControl control;
    private final HeapGrowth growth;
    private final FirstFit builtin = new FirstFit();
    private PlacementStrategy strategy;
    private FailureListener failed = (s, e, nanos) -> {
    };

    /** Hears of a strategy that failed, once the built-in serves in its place. */
    @FunctionalInterface
    interface FailureListener {
        void failed(PlacementStrategy strategy, Throwable failure, long rebuildNanos);
    }

    HeapBlocks(BlockTags tags, HeapControl control, HeapGrowth growth) {
        this.tags = tags;
        this.control = control;
        this.growth = growth;
    }

    /** Who hears of a strategy that failed, after the built-in took over from it. */
    void onFailure(FailureListener listener) {
        this.failed = listener;
    }

    /**
     * Hands the free blocks to another strategy: the old one drops its index, the new one builds
     * its own. A failure of the old one's detach is its own affair; a failure of the new one's
     * attach is thrown, and the built-in serves.
     */
    void use(PlacementStrategy next) {
        if (strategy != null) {
            detachQuietly(strategy);
        }
        strategy = builtin;
        builtin.attach(this);
        if (next != builtin) {
            next.attach(this);
            strategy = next;
        }
    }

    /** The built-in first fit serves from now on. */
    void useBuiltin() {
        use(builtin);
    }

    PlacementStrategy strategy() {
        return strategy;
    }

    /** The old strategy drops its index; what it throws on the way does not matter any more. */
    static void detachQuietly(PlacementStrategy s) {
        try {
            s.detach();
        } catch (RuntimeException | LinkageError e) {
            // its index is dropped with it either way
        }
    }

    /** How many blocks are free. */
    long freeBlocks() {
        long[] n = {0};
        forEachFree((address, size) -> n[0]++);
        return n[0];
    }

    // ---- the strategy, contained -----------------------------------------------------------------

    private long find(long size) {
        PlacementStrategy s = strategy;
        try {
            long b = s.find(size);
            String wrong = b == 0 ? null : wrongAnswer(b, size);
            if (wrong != null) {
                throw new IllegalStateException(String.format("it answered 0x%x for %d bytes, which is %s", b, size, wrong));
            }
            return b;
        } catch (RuntimeException | LinkageError e) {
            contain(s, e);
            return builtin.find(size);
        }
    }

    private void used(long b) {
        PlacementStrategy s = strategy;
        try {
            s.blockUsed(b);
        } catch (RuntimeException | LinkageError e) {
            contain(s, e);
        }
    }

    private void freed(long b, long size) {
        PlacementStrategy s = strategy;
        try {
            s.blockFreed(b, size);
        } catch (RuntimeException | LinkageError e) {
            contain(s, e);
        }
    }

    private void contain(PlacementStrategy s, Throwable e) {
        if (s == builtin) {
            throw new IllegalStateException("the built-in first fit failed", e);
        }
        long start = System.nanoTime();
        useBuiltin();
        failed.failed(s, e, System.nanoTime() - start);
    }

    /**
     * Why {@code b} is not a free block of at least {@code size} bytes, or null when it is one. A
     * free block of a coalesced heap has the canary of its position, a sane size, allocated
     * neighbours on both sides, and a footer and next header that agree with it; a stale header
     * left inside a merged or allocated block fails at least one of these.
     */
    private String wrongAnswer(long b, long size) {
        long end = control.epilogue();
        if (b % BlockTags.ALIGN != 0 || b < HeapControl.FIRST_BLOCK || b >= end) {
            return "outside the heap";
        }
        if (!tags.canaryOk(b) || !tags.sizeWordOk(b)) {
            return "not the start of a block";
        }
        if (tags.allocated(b)) {
            return "a used block";
        }
        long have = tags.size(b);
        if (have < size) {
            return "too small (" + have + " bytes)";
        }
        if (have < MIN_BLOCK || b + have > end || !tags.prevAllocated(b) || tags.prevAllocated(b + have)
                || tags.sizeBefore(b + have) != have) {
            return "not a free block of the heap (stale header)";
        }
        return null;
    }

    @Override
    public void forEachFree(FreeBlockVisitor visitor) {
        long end = control.epilogue();
        for (long b = HeapControl.FIRST_BLOCK; b < end; b += tags.size(b)) {
            if (!tags.allocated(b)) {
                visitor.visit(b, tags.size(b));
            }
        }
    }

    /** Allocates a block of {@code size} bytes, growing the heap if no free block fits. @return it, or 0 */
    long take(long size, int owner, long requested) {
        long b = find(size);
        if (b == 0) {
            b = grow(size);
            if (b == 0) {
                return 0;
            }
        }
        used(b);
        long free = tags.size(b);
        tags.writeUsed(b, free, tags.prevAllocated(b), owner, requested);
        tags.setPrevAllocated(b + free, true);
        trim(b, size);
        return b;
    }

    /**
     * Resizes an allocated block to {@code size} bytes in place, taking in the free block after it
     * when that is needed and enough. @return whether it could
     */
    boolean resize(long b, long size, long requested) {
        long have = tags.size(b);
        long next = b + have;
        if (have < size) {
            if (tags.allocated(next) || have + tags.size(next) < size) {
                return false;
            }
            used(next);
            have += tags.size(next);
            tags.writeUsed(b, have, tags.prevAllocated(b), tags.owner(b), requested);
            tags.setPrevAllocated(b + have, true);
        }
        tags.setRequested(b, requested);
        trim(b, size);
        return true;
    }

    /**
     * Frees an allocated block, merging it with its free neighbours. Its own header is marked free
     * first, so that a header left inside a merged block never looks allocated to a later free.
     */
    void release(long b) {
        tags.clearAllocated(b);
        long start = b;
        long size = tags.size(b);
        long next = b + size;
        if (!tags.allocated(next)) {
            used(next);
            size += tags.size(next);
        }
        if (!tags.prevAllocated(b)) {
            long before = tags.sizeBefore(b);
            start = b - before;
            used(start);
            size += before;
        }
        tags.writeFree(start, size, tags.prevAllocated(start));
        tags.setPrevAllocated(start + size, false);
        freed(start, size);
    }

    /** Cuts an allocated block down to {@code size} bytes when the rest can be a block of its own. */
    private void trim(long b, long size) {
        long have = tags.size(b);
        if (have - size < MIN_BLOCK) {
            return;
        }
        tags.writeUsed(b, size, tags.prevAllocated(b), tags.owner(b), tags.requested(b));
        tags.writeUsed(b + size, have - size, true, 0, 0);
        release(b + size);
    }

    /**
     * Maps enough pages after the heap for a free block of {@code size} bytes at its end; the old
     * epilogue becomes the header of the new pages. @return that free block, or 0
     */
    private long grow(long size) {
        long top = control.top();
        long epilogue = top - HEADER;
        boolean lastAllocated = tags.prevAllocated(epilogue);
        long tail = lastAllocated ? 0 : tags.sizeBefore(epilogue);
        long pages = (size - tail + HeapMemory.PAGE - 1) / HeapMemory.PAGE;
        if (pages <= 0) {
            return epilogue - tail; // the free block at the end fits already; the strategy did not offer it
        }
        if (!growth.map(top, pages)) {
            return 0;
        }
        long added = pages * HeapMemory.PAGE;
        control.setTop(top + added);
        tags.writeEpilogue(top + added - HEADER, true);
        tags.writeUsed(epilogue, added, lastAllocated, 0, 0);
        release(epilogue);
        return lastAllocated ? epilogue : epilogue - tail;
    }
}
