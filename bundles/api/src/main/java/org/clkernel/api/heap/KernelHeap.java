package org.clkernel.api.heap;

import org.clkernel.api.CheckResult;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The kernel heap, after the CLKernel heap API: blocks of any size in the kernel heap window
 * ({@link org.clkernel.api.paging.KernelLayout#HEAP_WINDOW}), 8-byte aligned, each owned by an
 * actor. The heap grows by mapping frames into the window when no free block fits.
 *
 * <p>Addresses are kernel virtual addresses (unsigned 32-bit values in a {@code long}). Running out
 * of memory is an ordinary result: {@code 0}. Bad arguments, an invalid pointer and a double free
 * are refused with {@link IllegalArgumentException}, one sentence, and no change to the heap.
 */
@ProviderType
public interface KernelHeap {

    /**
     * Allocates a block of at least {@code size} bytes.
     *
     * @param size  1 or more
     * @param owner actor id, 0 to 4095
     * @return the 8-byte aligned address of the block, or 0 when no memory is left
     */
    long kmalloc(long size, int owner);

    /**
     * Allocates a zeroed array of {@code n} elements of {@code size} bytes.
     *
     * @return the address, or 0 when no memory is left
     * @throws IllegalArgumentException when {@code n * size} overflows or either is below 1
     */
    long kcalloc(long n, long size, int owner);

    /**
     * Resizes a block, in place when the block or its free neighbour is large enough, else by
     * allocating a new block, copying the contents (up to the smaller size) and freeing the old one.
     * Address 0 allocates. A block resized in place keeps its owner; a moved one belongs to
     * {@code owner}.
     *
     * @return the address of the resized block, or 0 when no memory is left (the old block stays)
     */
    long krealloc(long address, long size, int owner);

    /**
     * Frees a block that {@link #kmalloc}, {@link #kcalloc} or {@link #krealloc} returned.
     *
     * @throws IllegalArgumentException for an address that is not a live block, a block freed
     *                                  already, or a block whose header canary is broken
     */
    void kfree(long address);

    /** Bytes usable at a live block's address (at least the size asked for). */
    long usableSize(long address);

    HeapStats stats();

    /** Walks every block from the start of the heap and names the first broken one. */
    CheckResult check();

    /** Name of the built-in placement strategy, which serves when no other one does. */
    String BUILTIN_STRATEGY = "first-fit";

    /** The name of the placement strategy serving now. */
    String strategy();

    /**
     * Chooses the placement strategy by its {@link PlacementStrategy#NAME}: an installed one,
     * {@link #BUILTIN_STRATEGY}, or null or empty for the best-ranked installed one. The heap swaps
     * to it at once and comes back to it greedily after a fallback, while it stays installed.
     *
     * @throws IllegalArgumentException when no strategy of that name is installed
     */
    void useStrategy(String name);

    /** The last change of placement strategy, or null when none happened yet. */
    StrategySwap lastSwap();

    /**
     * One change of placement strategy, after K42's hot swap: new calls are held off, calls in
     * flight finish (quiesce), the old index is dropped and the new one rebuilt from the free
     * blocks (rebuild), calls resume.
     *
     * @param from          the strategy serving before
     * @param to            the strategy serving after
     * @param reason        why: chosen, installed, left, failed (with the failure)
     * @param quiesceNanos  from the request until no call was in flight
     * @param rebuildNanos  detach of the old index plus attach of the new one
     * @param pauseNanos    how long calls were held off: quiesce plus rebuild
     * @param freeBlocks    free blocks the new strategy indexed
     */
    record StrategySwap(String from, String to, String reason, long quiesceNanos, long rebuildNanos, long pauseNanos,
            long freeBlocks) {
    }

    /**
     * Heap statistics; bytes are the sizes callers asked for.
     *
     * @param currentBytes bytes in live blocks now
     * @param peakBytes    the most {@code currentBytes} has been
     * @param totalBytes   bytes ever allocated
     * @param blocks       live blocks
     * @param heapBytes    bytes of the window mapped for the heap
     */
    record HeapStats(long currentBytes, long peakBytes, long totalBytes, long blocks, long heapBytes) {
    }
}
