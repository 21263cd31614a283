package org.clkernel.api.physical;

import java.util.List;

import org.clkernel.api.CheckResult;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The buddy frame allocator: blocks of 2^order contiguous 4 KiB frames, order 0 to
 * {@link #MAX_ORDER}, each block naturally aligned and owned by one actor.
 *
 * <p>Running out of memory, or over an actor's frame quota, is an ordinary result (a negative
 * return value), not an exception. Freeing a frame that is free, with the wrong order, or owned by
 * someone else is refused with {@link IllegalArgumentException} and changes nothing.
 */
@ProviderType
public interface FrameAllocator {
    int MAX_ORDER = 10;
    /** {@link #allocate} found no free block of the order in the zones allowed. */
    long NO_MEMORY = -1;
    /** {@link #allocate} would take the owner past its frame quota. */
    long OVER_QUOTA = -2;
    /** The kernel's own actor id. */
    int KERNEL = 0;
    /** Owner ids are 0 to MAX_OWNER - 1. */
    int MAX_OWNER = 4096;

    /**
     * Allocates a block of 2^order frames.
     *
     * @param order 0 to {@link #MAX_ORDER}
     * @param owner the actor id that owns the block
     * @param gfp   {@link Gfp} flags
     * @return the first frame number (physical address >> 12), or {@link #NO_MEMORY} or
     *         {@link #OVER_QUOTA}
     */
    long allocate(int order, int owner, int gfp);

    /** Frees a block that {@link #allocate} returned, with the same order and owner. */
    void free(long pfn, int order, int owner);

    /** Frees every block the owner holds. @return the number of frames freed */
    long releaseAll(int owner);

    /** Frames the owner holds now. */
    long framesOwned(int owner);

    /** Owner and order of the allocated block that starts at this frame, or null if none does. */
    Block block(long pfn);

    /** Returns the order-0 frames held in the per-CPU caches to the buddy lists. */
    void drainCaches();

    List<ZoneStats> zones();

    /** What detection accepted from the firmware map. */
    List<DetectedRegion> regions();

    /** What detection dropped or clipped from the firmware map, one sentence per finding. */
    List<String> detectionReport();

    /** Frames below the highest usable address, the span the descriptor array covers. */
    long spannedFrames();

    /** Frames reserved at boot (low memory, kernel image, descriptor array). */
    long reservedFrames();

    /** Walks every descriptor and free list and names the first inconsistency. */
    CheckResult check();

    /** An allocated block. */
    record Block(long pfn, int order, int owner) {
    }
}
