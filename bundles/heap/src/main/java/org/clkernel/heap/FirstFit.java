package org.clkernel.heap;

import org.clkernel.api.heap.HeapView;
import org.clkernel.api.heap.PlacementStrategy;

/**
 * The built-in strategy: the first free block in address order that is large enough (but the
 * wilderness, as for every strategy). It keeps no index of its own: it searches the heap's
 * {@link BlockMap} and reads sizes from the tags, and so can never disagree with the heap. The
 * fallback when no other strategy serves.
 */
final class FirstFit implements PlacementStrategy {
    static final String NAME = "first-fit";

    private final BlockMap free;
    private final BlockTags tags;
    private final HeapBlocks heap;

    FirstFit(BlockMap free, BlockTags tags, HeapBlocks heap) {
        this.free = free;
        this.tags = tags;
        this.heap = heap;
    }

    @Override
    public void attach(HeapView heap) {
        // no index to build
    }

    @Override
    public void detach() {
        // no index to drop
    }

    @Override
    public void blockFreed(long address, long size) {
        // the free map has it
    }

    @Override
    public void blockUsed(long address) {
        // the free map has dropped it
    }

    @Override
    public long find(long size) {
        long top = heap.wilderness();
        for (long b = free.next(0); b >= 0; b = free.next(b + size(b))) {
            if (b != top && size(b) >= size) {
                return b;
            }
        }
        return 0;
    }

    private long size(long b) {
        return tags.size(b);
    }

    /** No index, nothing that can disagree with the heap. */
    @Override
    public String check(HeapView heap) {
        return null;
    }
}
