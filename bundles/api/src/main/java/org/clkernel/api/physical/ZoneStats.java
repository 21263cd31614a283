package org.clkernel.api.physical;

/**
 * One zone's state.
 *
 * @param zone          the zone
 * @param managedFrames frames given to the allocator (usable, not reserved)
 * @param freeFrames    frames free, in the buddy lists or in the per-CPU cache
 * @param freeBlocks    free blocks on the buddy lists per order 0..{@link FrameAllocator#MAX_ORDER}
 *                      (what /proc/buddyinfo prints; cached order-0 frames are not in it)
 * @param cachedFrames  free order-0 frames held in the per-CPU cache
 */
public record ZoneStats(Zone zone, long managedFrames, long freeFrames, long[] freeBlocks, long cachedFrames) {
}
