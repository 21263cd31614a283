package org.clkernel.api.heap;

import org.clkernel.api.CheckResult;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The kernel heap, after the CLKernel heap API: blocks of any size in the kernel heap window
 * ({@link org.clkernel.api.paging.KernelLayout#HEAP_WINDOW}), 8-byte aligned, each owned by an
 * actor. The heap grows by mapping frames into the window when no free block fits.
 *
 * <p>While a slab allocator runs, the kernel's small kmallocs without a site ({@code kmalloc(size,
 * 0)}, {@code kcalloc(n, size, 0)}, up to 8192 bytes) come from its {@code kmalloc-N} caches, in
 * the direct map; {@code kfree}, {@code krealloc} and {@code usableSize} take them too. When it goes,
 * those sizes come from the heap again and the objects handed out stay allocated until it is back.
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
     * Allocates a block as {@link #kmalloc(long, int)} does and records the allocation site in
     * its header.
     *
     * @param site an id from {@link #site(String)}, or 0 for none
     */
    long kmalloc(long size, int owner, int site);

    /**
     * Allocates a block whose address is a multiple of {@code alignment}. The block is freed with
     * {@link #kfree}; {@link #krealloc} may move it to an address that is only 8-byte aligned.
     *
     * @param alignment a power of two from 8 to 4096
     * @return the address, or 0 when no memory is left
     */
    long kmallocAligned(long size, long alignment, int owner);

    /**
     * Allocates for an actor, within its heap quota (the {@code heapQuota} of its entry in the
     * actor table; 0 is unlimited): the actor's live bytes plus {@code size} may not exceed it.
     *
     * @return the address, or 0 when no memory is left or the quota would be exceeded
     * @throws IllegalArgumentException for an actor that does not exist
     * @throws IllegalStateException    when no actor table is available to read the quota from
     */
    long actorMalloc(long size, int actor);

    /**
     * Frees a block on behalf of an actor, which must own it.
     *
     * @throws IllegalArgumentException as {@link #kfree} does, and for a block another actor owns
     */
    void actorFree(long address, int actor);

    /**
     * The id of an allocation site, registered under this name when new; sites are kept in the
     * heap's memory, up to 119 of them.
     *
     * @param name 1 to 31 printable ASCII characters, no spaces
     * @throws IllegalStateException when the table of sites is full
     */
    int site(String name);

    /** The name of a site id, or "" when there is none. */
    String siteName(int site);

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

    /** The heap statistics of one actor (all zero for one that never allocated). */
    ActorHeapStats actorStats(int actor);

    /** The heap statistics of every actor that ever allocated, by actor id. */
    java.util.List<ActorHeapStats> actorStats();

    /** Visits every block of the heap in address order: used, free and quarantined. */
    void forEachBlock(BlockVisitor visitor);

    /** The checks the heap makes now. */
    HeapChecks checks();

    /**
     * The latest findings of the checks, oldest first, at most 100: writes after free found when a
     * quarantined block was reused, each one line naming the block, its owner and allocation site.
     */
    java.util.List<String> findings();

    /** The names of the placement strategies that can be chosen: the best-ranked first, the built-in last. */
    java.util.List<String> strategies();

    /** Receives one block. */
    @FunctionalInterface
    interface BlockVisitor {
        void visit(BlockInfo block);
    }

    /** What a block is. */
    enum BlockState {
        USED, FREE, QUARANTINED
    }

    /**
     * One block as its boundary tags describe it.
     *
     * @param block     the address of its header
     * @param size      its whole size, header included
     * @param requested bytes the caller asked for (0 for a free block)
     * @param ageMillis milliseconds since it was allocated (since it was freed, when quarantined)
     */
    record BlockInfo(long block, long size, BlockState state, long requested, int owner, int site, long ageMillis) {
        /** The address its caller was given. */
        public long address() {
            return block + 16;
        }
    }

    /**
     * The checks of the heap, each changed live through the configuration of PID {@code org.clkernel.heap}.
     *
     * @param canary          a free checks the header canary (a broken one is refused)
     * @param poison          a freed payload is filled with 0x6B and held in quarantine
     * @param quarantineBytes how many freed bytes the quarantine holds before the oldest block is
     *                        checked for writes after free and reused
     * @param zeroOnFree      a payload is wiped with zeros before its memory is reused
     */
    record HeapChecks(boolean canary, boolean poison, long quarantineBytes, boolean zeroOnFree) {
        public static final HeapChecks DEFAULTS = new HeapChecks(true, true, 64 * 1024, true);
    }

    /**
     * One actor's heap use; bytes are the sizes asked for.
     *
     * @param actor        the actor id
     * @param currentBytes bytes in its live blocks now
     * @param peakBytes    the most {@code currentBytes} has been
     * @param totalBytes   bytes it ever allocated
     * @param blocks       its live blocks
     */
    record ActorHeapStats(int actor, long currentBytes, long peakBytes, long totalBytes, long blocks) {
    }

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
     * One change of placement strategy, after K42's hot swap: the new strategy builds its index
     * from a snapshot of the free blocks while calls go on (rebuild); then new calls are held off,
     * the call in flight finishes (quiesce), the new strategy catches up with the changes since the
     * snapshot and serves, and calls resume.
     *
     * @param from          the strategy serving before
     * @param to            the strategy serving after
     * @param reason        why: chosen, installed, left, failed (with the failure)
     * @param quiesceNanos  from closing the gate until no call was in flight
     * @param rebuildNanos  getting the new strategy and building its index, while calls went on
     * @param pauseNanos    how long calls were held off: quiesce plus catching up
     * @param freeBlocks    free blocks the new strategy indexed
     */
    record StrategySwap(String from, String to, String reason, long quiesceNanos, long rebuildNanos, long pauseNanos,
            long freeBlocks) {
    }

    /**
     * Heap statistics; bytes of live blocks are the sizes callers asked for, other bytes whole
     * block sizes.
     *
     * @param currentBytes      bytes in live blocks now
     * @param peakBytes         the most {@code currentBytes} has been
     * @param totalBytes        bytes ever allocated
     * @param blocks            live blocks
     * @param heapBytes         bytes of the window mapped for blocks
     * @param freeBytes         bytes in free blocks
     * @param freeBlocks        free blocks
     * @param largestFree       the largest free block
     * @param quarantinedBytes  bytes in quarantined blocks
     * @param quarantinedBlocks blocks in quarantine
     * @param writesAfterFree   quarantined blocks found written to after their free, ever
     */
    record HeapStats(long currentBytes, long peakBytes, long totalBytes, long blocks, long heapBytes, long freeBytes,
            long freeBlocks, long largestFree, long quarantinedBytes, long quarantinedBlocks, long writesAfterFree) {
        /**
         * External fragmentation: 1 - largest free block / all free bytes; 0 when the free memory
         * is one block (or there is none), near 1 when it is scattered in small pieces.
         */
        public double fragmentation() {
            return freeBytes == 0 ? 0 : 1 - (double) largestFree / freeBytes;
        }
    }
}
