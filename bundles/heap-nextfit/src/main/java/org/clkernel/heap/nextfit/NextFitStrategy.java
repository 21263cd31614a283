package org.clkernel.heap.nextfit;

import org.clkernel.api.heap.HeapView;
import org.clkernel.api.heap.PlacementStrategy;
import org.clkernel.heap.support.IndexCheck;
import org.clkernel.heap.support.LongTree;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * Next fit (Knuth, The Art of Computer Programming, vol. 1, section 2.5, the "roving pointer"
 * variant of first fit): free blocks are searched in address order, but each search starts where
 * the last one ended instead of at the bottom of the heap, and wraps around to the bottom once.
 * The small blocks that first fit leaves at the low end are not walked over again and again, and
 * allocations spread through the heap.
 *
 * <p>The rover is an address, not a block: the search starts at the first indexed free block at or
 * above it. A successful search sets it to the block it answers. When that block is taken and
 * split, its remainder lies at or after the rover, so the next search starts there; when the block
 * the rover names is used or merged into its lower neighbour, the rover moves on, in effect, to the
 * next free block in address order. A search that finds nothing leaves the rover where it was.
 * {@link #detach()} sets it back to 0, the bottom of the heap.
 *
 * <p>The index is an ordered tree of address to size without boxing; a search is O(log n) to find
 * its start plus O(log n) per block it passes. Prototype scope: every heap that binds it gets an
 * index of its own.
 */
@Component(service = PlacementStrategy.class, scope = ServiceScope.PROTOTYPE,
        property = {PlacementStrategy.NAME + "=next-fit", "service.ranking:Integer=5"})
public final class NextFitStrategy implements PlacementStrategy {
    /** Free blocks by address; the value of each is its size. */
    private final LongTree byAddress = new LongTree();
    private long rover;

    @Override
    public void attach(HeapView view) {
        detach();
        view.forEachFree(this::blockFreed);
    }

    @Override
    public void detach() {
        byAddress.clear();
        rover = 0;
    }

    @Override
    public void blockFreed(long address, long size) {
        byAddress.put(address, size); // a block reported twice is indexed once, with its latest size
    }

    @Override
    public void blockUsed(long address) {
        byAddress.remove(address);
    }

    @Override
    public long find(long size) {
        for (int n = byAddress.ceiling(rover); n != LongTree.NIL; n = byAddress.higher(byAddress.key(n))) {
            if (byAddress.value(n) >= size) {
                return rove(byAddress.key(n));
            }
        }
        for (int n = byAddress.first(); n != LongTree.NIL && byAddress.key(n) < rover; n = byAddress.higher(byAddress.key(n))) {
            if (byAddress.value(n) >= size) {
                return rove(byAddress.key(n));
            }
        }
        return 0;
    }

    private long rove(long address) {
        rover = address;
        return address;
    }

    /** Where the next search starts: at the first free block at or above this address. */
    long rover() {
        return rover;
    }

    /** Free blocks indexed. */
    public int size() {
        return byAddress.size();
    }

    /** The tree's own order and balance, then its blocks against the heap's free blocks. */
    @Override
    public String check(HeapView heap) {
        String problem = byAddress.check();
        if (problem != null) {
            return problem;
        }
        long[] addresses = new long[byAddress.size()];
        long[] sizes = new long[addresses.length];
        byAddress.copyInOrder(addresses, sizes);
        return IndexCheck.compare(heap, addresses, sizes);
    }
}
