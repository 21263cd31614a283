package org.clkernel.heap;

import static org.clkernel.heap.BlockTags.HEADER;
import static org.clkernel.heap.BlockTags.MIN_BLOCK;

import org.clkernel.api.heap.HeapView;
import org.clkernel.api.heap.PlacementStrategy;

/**
 * Splitting, coalescing and growth of the heap's blocks, keeping the strategy's index in step:
 * every block that becomes free is reported with {@code blockFreed} after coalescing, every free
 * block that stops being one (taken, split, merged) with {@code blockUsed} first.
 */
final class HeapBlocks implements HeapView {
    private final BlockTags tags;
    private final HeapControl control;
    private final HeapGrowth growth;
    private PlacementStrategy strategy;

    HeapBlocks(BlockTags tags, HeapControl control, HeapGrowth growth) {
        this.tags = tags;
        this.control = control;
        this.growth = growth;
    }

    /** Hands the free blocks to another strategy: the old one drops its index, the new one builds its own. */
    void use(PlacementStrategy next) {
        if (strategy != null) {
            strategy.detach();
        }
        strategy = next;
        next.attach(this);
    }

    PlacementStrategy strategy() {
        return strategy;
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
        long b = strategy.find(size);
        if (b == 0) {
            b = grow(size);
            if (b == 0) {
                return 0;
            }
        }
        strategy.blockUsed(b);
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
            strategy.blockUsed(next);
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
            strategy.blockUsed(next);
            size += tags.size(next);
        }
        if (!tags.prevAllocated(b)) {
            long before = tags.sizeBefore(b);
            start = b - before;
            strategy.blockUsed(start);
            size += before;
        }
        tags.writeFree(start, size, tags.prevAllocated(start));
        tags.setPrevAllocated(start + size, false);
        strategy.blockFreed(start, size);
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
