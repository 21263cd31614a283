package org.clkernel.heap;

import org.clkernel.api.heap.HeapView;
import org.clkernel.api.heap.PlacementStrategy;

/**
 * The built-in strategy: the first free block in address order that is large enough. It keeps no
 * index, walks the heap on every search, and so can never disagree with it: the fallback when no
 * other strategy serves.
 */
final class FirstFit implements PlacementStrategy {
    static final String NAME = "first-fit";

    private HeapView view;

    @Override
    public void attach(HeapView heap) {
        this.view = heap;
    }

    @Override
    public void detach() {
        view = null;
    }

    @Override
    public void blockFreed(long address, long size) {
        // no index: the walk finds it
    }

    @Override
    public void blockUsed(long address) {
        // no index: the walk skips it
    }

    @Override
    public long find(long size) {
        long[] first = {0};
        view.forEachFree((address, free) -> {
            if (first[0] == 0 && free >= size) {
                first[0] = address;
            }
        });
        return first[0];
    }

    /** No index, nothing that can disagree with the heap. */
    @Override
    public String check(HeapView heap) {
        return null;
    }
}
