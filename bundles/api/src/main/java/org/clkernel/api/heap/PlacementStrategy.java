package org.clkernel.api.heap;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Chooses which free block serves an allocation. The heap owns the layout, splitting, coalescing
 * and checks; a strategy owns only an index of the free blocks, which it can rebuild at any time
 * from {@link HeapView#forEachFree}. That is what makes strategies swappable while the heap lives.
 *
 * <p>Blocks are named by their address (the start of the block's header, not the address
 * {@link KernelHeap#kmalloc} returns) and sizes are whole block sizes. The heap calls a strategy
 * from one thread at a time, between {@link #attach} and {@link #detach}.
 */
@ConsumerType
public interface PlacementStrategy {

    /** Service property: the strategy's name. */
    String NAME = "heap.strategy.name";

    /** Starts serving a heap: builds the index by walking its free blocks. */
    void attach(HeapView view);

    /** Stops serving: drops the index. */
    void detach();

    /** A block became free (after coalescing): add it to the index. */
    void blockFreed(long address, long size);

    /** A free block is free no longer (allocated, split or merged into a neighbour): remove it. */
    void blockUsed(long address);

    /** The address of a free block of at least {@code size} bytes, or 0 when none is indexed. */
    long find(long size);

    /**
     * The integrity check of the index against the heap it serves: the index holds exactly the
     * free blocks {@link HeapView#forEachFree} visits, each under its size, and its own links agree
     * with each other.
     *
     * @return null when the index is sound, else one line naming the first block or list that is
     *         wrong (for example "block 0xd0021040 of 64 bytes is not indexed")
     */
    String check(HeapView heap);
}
