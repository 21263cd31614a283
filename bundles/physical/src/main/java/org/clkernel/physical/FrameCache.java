package org.clkernel.physical;

import static org.clkernel.physical.FrameTable.CACHED;

/**
 * Per-CPU frame lists after Linux's per-cpu pagesets: free order-0 frames kept out of the buddy
 * lists so that an alloc/free pair does not split and merge all the way from order 10 and back.
 * The cache refills {@link #BATCH} frames at a time and spills {@link #BATCH} when it reaches
 * {@link #HIGH}.
 *
 * <p>The frames' descriptors say {@link FrameTable#CACHED}, so the cache itself (a Java array) can
 * be rebuilt from RAM: on re-attach every cached frame simply goes back to the buddy lists.
 * Callers hold the allocator's lock.
 */
final class FrameCache {
    static final int HIGH = 64;
    static final int BATCH = 16;

    private final FrameTable t;
    private final BuddyLists buddy;
    private final int[][] frames = new int[FrameTable.ZONES][HIGH];
    private final int[] size = new int[FrameTable.ZONES];

    FrameCache(FrameTable table, BuddyLists buddy) {
        this.t = table;
        this.buddy = buddy;
    }

    /** A free order-0 frame of the zone, or -1. Its descriptor still says CACHED. */
    long take(int zone) {
        if (size[zone] == 0 && refill(zone) == 0) {
            return -1;
        }
        t.addCached(zone, -1);
        return frames[zone][--size[zone]] & 0xFFFFFFFFL;
    }

    void give(long pfn, int zone) {
        if (size[zone] == HIGH) {
            spill(zone, BATCH);
        }
        t.setInfo(pfn, FrameTable.info(CACHED, 0, zone));
        frames[zone][size[zone]++] = (int) pfn;
        t.addCached(zone, 1);
    }

    /** Every cached frame back to the buddy lists. */
    void drain() {
        for (int zone = 0; zone < FrameTable.ZONES; zone++) {
            spill(zone, size[zone]);
        }
    }

    int size(int zone) {
        return size[zone];
    }

    boolean holds(int zone, long pfn) {
        for (int i = 0; i < size[zone]; i++) {
            if ((frames[zone][i] & 0xFFFFFFFFL) == pfn) {
                return true;
            }
        }
        return false;
    }

    private int refill(int zone) {
        int n = 0;
        for (; n < BATCH; n++) {
            long pfn = buddy.take(0, zone);
            if (pfn < 0) {
                break;
            }
            t.setInfo(pfn, FrameTable.info(CACHED, 0, zone));
            frames[zone][size[zone]++] = (int) pfn;
            t.addCached(zone, 1);
        }
        return n;
    }

    /** Returns the oldest frames (bottom of the stack) to the buddy lists. */
    private void spill(int zone, int count) {
        count = Math.min(count, size[zone]);
        for (int i = 0; i < count; i++) {
            long pfn = frames[zone][i] & 0xFFFFFFFFL;
            t.addCached(zone, -1);
            buddy.give(pfn, 0, zone);
        }
        System.arraycopy(frames[zone], count, frames[zone], 0, size[zone] - count);
        size[zone] -= count;
    }
}
