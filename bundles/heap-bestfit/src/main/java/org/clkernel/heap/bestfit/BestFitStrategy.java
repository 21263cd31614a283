package org.clkernel.heap.bestfit;

import org.clkernel.api.heap.HeapView;
import org.clkernel.api.heap.PlacementStrategy;
import org.clkernel.heap.support.BlockTable;
import org.clkernel.heap.support.IndexCheck;
import org.clkernel.heap.support.LongTree;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * Best fit: the smallest free block that is large enough, the lowest address among equals. The
 * index is sorted by size, so a search is O(log n) and leaves the large blocks whole for large
 * requests.
 *
 * <p>Every free block is one key of an ordered tree, {@code size << 29 | address >>> 3}: keys sort
 * by size first and by address among equal sizes, so the least key at or above {@code size << 29}
 * is the answer. Addresses are multiples of 8 below 2^32 (29 bits once shifted) and sizes stay
 * below 2^34, so the key is a positive long. An address table remembers each block's size, which
 * {@link #blockUsed} needs to find its key. Neither structure boxes.
 *
 * <p>Prototype scope: every heap that binds it gets an index of its own.
 */
@Component(service = PlacementStrategy.class, scope = ServiceScope.PROTOTYPE,
        property = {PlacementStrategy.NAME + "=best-fit", "service.ranking:Integer=10"})
public final class BestFitStrategy implements PlacementStrategy {
    static final int ADDRESS_BITS = 29;
    static final long ADDRESS_MASK = (1L << ADDRESS_BITS) - 1;
    /** Sizes below this fit into a key. */
    static final long SIZE_LIMIT = 1L << (63 - ADDRESS_BITS);

    /** Invariant: the tree holds key(a, s) exactly when the table maps a to s. */
    private final LongTree bySize = new LongTree();
    private final BlockTable sizes = new BlockTable();

    @Override
    public void attach(HeapView view) {
        detach();
        view.forEachFree(this::blockFreed);
    }

    @Override
    public void detach() {
        bySize.clear();
        sizes.clear();
    }

    @Override
    public void blockFreed(long address, long size) {
        if ((address & 7) != 0 || address >>> 32 != 0 || size < 0 || size >= SIZE_LIMIT) {
            throw new IllegalArgumentException(String.format("block 0x%x of %d bytes: not a block of a 32-bit heap", address, size));
        }
        int slot = sizes.slotOf(address);
        if (slot == BlockTable.NONE) {
            sizes.add(address, size);
        } else { // a block reported twice is indexed once, with its latest size
            bySize.remove(key(address, sizes.size(slot)));
            sizes.setSize(slot, size);
        }
        bySize.put(key(address, size), 0);
    }

    @Override
    public void blockUsed(long address) {
        int slot = sizes.remove(address);
        if (slot != BlockTable.NONE) {
            bySize.remove(key(address, sizes.size(slot)));
        }
    }

    @Override
    public long find(long size) {
        if (size >= SIZE_LIMIT) {
            return 0;
        }
        int node = bySize.ceiling(Math.max(0, size) << ADDRESS_BITS);
        return node == LongTree.NIL ? 0 : address(bySize.key(node));
    }

    static long key(long address, long size) {
        return size << ADDRESS_BITS | address >>> 3;
    }

    static long address(long key) {
        return (key & ADDRESS_MASK) << 3;
    }

    static long size(long key) {
        return key >>> ADDRESS_BITS;
    }

    /** Free blocks indexed. */
    public int size() {
        return sizes.size();
    }

    /**
     * The index against the heap and itself: the address table and the tree each sound, the heap's
     * free blocks exactly those of the table with their sizes, and the tree one key per table entry.
     */
    @Override
    public String check(HeapView heap) {
        String problem = sizes.check();
        if (problem == null) {
            problem = bySize.check();
        }
        if (problem == null) {
            long[][] indexed = sizes.sortedByAddress();
            problem = IndexCheck.compare(heap, indexed[0], indexed[1]);
        }
        if (problem != null) {
            return problem;
        }
        long[] keys = new long[bySize.size()];
        bySize.copyInOrder(keys, new long[keys.length]);
        for (long k : keys) {
            int slot = sizes.slotOf(address(k));
            if (slot == BlockTable.NONE) {
                return String.format("block 0x%x of %d bytes is in the size tree but not in the address table", address(k), size(k));
            }
            if (sizes.size(slot) != size(k)) {
                return String.format("block 0x%x is in the size tree with %d bytes, the address table says %d",
                        address(k), size(k), sizes.size(slot));
            }
        }
        return keys.length == sizes.size() ? null
                : "the size tree holds " + keys.length + " blocks, the address table " + sizes.size();
    }
}
