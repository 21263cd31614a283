package org.clkernel.physical;

import static org.clkernel.physical.FrameTable.ALLOCATED;
import static org.clkernel.physical.FrameTable.CACHED;
import static org.clkernel.physical.FrameTable.FREE;
import static org.clkernel.physical.FrameTable.NONE;
import static org.clkernel.physical.FrameTable.RESERVED;
import static org.clkernel.physical.FrameTable.TAIL;
import static org.clkernel.physical.FrameTable.frame;

import org.clkernel.api.CheckResult;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.physical.Zone;

/**
 * Walks every descriptor and every free list and names the first thing that breaks an invariant
 * of {@link FrameTable}: block heads aligned with only tails inside, tails only inside blocks,
 * every free head on the right list exactly once with sound links, counters equal to what the
 * walk counts, cached frames in the cache, per-owner counts equal to the descriptors'.
 */
final class FrameCheck {
    private static final String WHAT = "frame allocator";

    private final FrameTable t;
    private final long spanned;
    private final FrameCache cache;
    private final long[] owned;

    FrameCheck(FrameTable table, long spanned, FrameCache cache, long[] owned) {
        this.t = table;
        this.spanned = spanned;
        this.cache = cache;
        this.owned = owned;
    }

    CheckResult run() {
        long[][] freeHeads = new long[FrameTable.ZONES][FrameTable.ORDERS];
        long[] freeFrames = new long[FrameTable.ZONES];
        long[] cachedFrames = new long[FrameTable.ZONES];
        long[] ownedFrames = new long[FrameAllocator.MAX_OWNER];
        int checked = 0;
        for (long pfn = 0; pfn < spanned; checked++) {
            int info = t.info(pfn);
            int state = FrameTable.state(info);
            if (state == RESERVED) {
                pfn++;
                continue;
            }
            if (state == TAIL) {
                return broken(checked, frame(pfn) + " is a tail frame outside any block");
            }
            if (state != FREE && state != ALLOCATED && state != CACHED) {
                return broken(checked, frame(pfn) + " has unknown state " + state);
            }
            int order = FrameTable.order(info);
            int zone = FrameTable.zone(info);
            long size = 1L << order;
            if (order > FrameAllocator.MAX_ORDER || (state == CACHED && order != 0)) {
                return broken(checked, frame(pfn) + " is a " + FrameTable.stateName(state) + " block of order " + order);
            }
            if ((pfn & (size - 1)) != 0) {
                return broken(checked, frame(pfn) + ": " + FrameTable.stateName(state) + " block of order " + order + " is not aligned");
            }
            if (zone != Zone.of(pfn).ordinal()) {
                return broken(checked, frame(pfn) + " says zone " + zone + " but lies in " + Zone.of(pfn));
            }
            if (pfn + size > spanned) {
                return broken(checked, frame(pfn) + ": block of order " + order + " runs past the last frame");
            }
            for (long f = pfn + 1; f < pfn + size; f++) {
                if (FrameTable.state(t.info(f)) != TAIL) {
                    return broken(checked, frame(f) + " is inside the block at " + frame(pfn) + " but is "
                            + FrameTable.stateName(FrameTable.state(t.info(f))));
                }
            }
            switch (state) {
                case FREE -> {
                    freeHeads[zone][order]++;
                    freeFrames[zone] += size;
                }
                case CACHED -> {
                    cachedFrames[zone]++;
                    if (!cache.holds(zone, pfn)) {
                        return broken(checked, frame(pfn) + " is marked cached but no cache holds it");
                    }
                }
                default -> {
                    int owner = t.owner(pfn);
                    if (owner < 0 || owner >= FrameAllocator.MAX_OWNER) {
                        return broken(checked, frame(pfn) + " is owned by impossible owner " + owner);
                    }
                    ownedFrames[owner] += size;
                }
            }
            pfn += size;
        }
        for (int zone = 0; zone < FrameTable.ZONES; zone++) {
            for (int order = 0; order <= FrameAllocator.MAX_ORDER; order++) {
                String problem = walkList(zone, order, freeHeads[zone][order]);
                if (problem != null) {
                    return broken(checked, problem);
                }
            }
            String z = Zone.values()[zone].name();
            if (t.free(zone) != freeFrames[zone]) {
                return broken(checked, "zone " + z + " header says " + t.free(zone) + " free frames, the lists hold " + freeFrames[zone]);
            }
            if (t.cached(zone) != cachedFrames[zone] || cache.size(zone) != cachedFrames[zone]) {
                return broken(checked, "zone " + z + ": " + cachedFrames[zone] + " frames marked cached, header says "
                        + t.cached(zone) + ", cache holds " + cache.size(zone));
            }
        }
        for (int owner = 0; owner < FrameAllocator.MAX_OWNER; owner++) {
            if (owned[owner] != ownedFrames[owner]) {
                return broken(checked, "owner " + owner + " is counted with " + owned[owner] + " frames but holds " + ownedFrames[owner]);
            }
        }
        return CheckResult.ok(WHAT, checked);
    }

    private String walkList(int zone, int order, long expected) {
        String list = Zone.values()[zone] + " order " + order + " list";
        if (t.count(zone, order) != expected) {
            return list + ": header counts " + t.count(zone, order) + " blocks, " + expected + " free heads found";
        }
        int prev = NONE;
        int at = t.head(zone, order);
        for (long n = 0; at != NONE; n++) {
            long pfn = at & 0xFFFFFFFFL;
            if (n >= expected) {
                return list + ": longer than its " + expected + " free blocks (a loop or a stray link at " + frame(pfn) + ")";
            }
            if (pfn >= spanned) {
                return list + ": links to " + frame(pfn) + " past the last frame";
            }
            int info = t.info(pfn);
            if (FrameTable.state(info) != FREE || FrameTable.order(info) != order || FrameTable.zone(info) != zone) {
                return list + ": " + frame(pfn) + " is on it but is a " + FrameTable.stateName(FrameTable.state(info))
                        + " block of order " + FrameTable.order(info);
            }
            if (t.prev(pfn) != prev) {
                return list + ": " + frame(pfn) + " has a wrong back link";
            }
            prev = at;
            at = t.next(pfn);
        }
        return null;
    }

    private static CheckResult broken(int checked, String problem) {
        return CheckResult.broken(WHAT, checked, problem);
    }
}
