package org.clkernel.heap;

import static org.clkernel.api.paging.KernelLayout.HEAP_WINDOW;
import static org.clkernel.api.paging.KernelLayout.HEAP_WINDOW_END;
import static org.clkernel.heap.BlockTags.HEADER;
import static org.clkernel.heap.BlockTags.MIN_BLOCK;

import java.util.HashMap;
import java.util.Map;

import org.clkernel.api.CheckResult;

/**
 * The heap's integrity walk: every block from the first to the epilogue (tags, footers, the
 * poison of quarantined blocks, the free map), then the counters against what the walk found, per
 * actor too, then the serving strategy's index. Stops at the first broken element and names it.
 */
final class HeapCheck {
    static final String STRUCTURE = "kernel heap";

    private final BlockTags tags;
    private final HeapControl control;
    private final HeapBlocks blocks;
    private final Quarantine quarantine;

    HeapCheck(BlockTags tags, HeapControl control, HeapBlocks blocks, Quarantine quarantine) {
        this.tags = tags;
        this.control = control;
        this.blocks = blocks;
        this.quarantine = quarantine;
    }

    CheckResult run() {
        if (!control.valid()) {
            return CheckResult.broken(STRUCTURE, 0, String.format("control block at 0x%x: bad magic or version", HEAP_WINDOW));
        }
        long top = control.top();
        if (top % HeapMemory.PAGE != 0 || top <= HeapControl.FIRST_BLOCK || top > HEAP_WINDOW_END) {
            return CheckResult.broken(STRUCTURE, 0, String.format("control block: bad heap top 0x%x", top));
        }
        long epilogue = top - HEADER;
        int checked = 0;
        long live = 0;
        long bytes = 0;
        long free = 0;
        long freeBytes = 0;
        long held = 0;
        Map<Integer, long[]> perActor = new HashMap<>();
        boolean prevAllocated = true;
        long b = HeapControl.FIRST_BLOCK;
        while (b < epilogue) {
            checked++;
            String problem = header(b, prevAllocated, epilogue);
            if (problem != null) {
                return CheckResult.broken(STRUCTURE, checked, String.format("block 0x%x: %s", b, problem));
            }
            prevAllocated = tags.allocated(b);
            long size = tags.size(b);
            if (!prevAllocated) {
                free++;
                freeBytes += size;
            } else if (tags.quarantined(b)) {
                held++;
            } else {
                live++;
                bytes += tags.requested(b);
                long[] actor = perActor.computeIfAbsent(tags.owner(b), a -> new long[2]);
                actor[0] += tags.requested(b);
                actor[1]++;
            }
            b += size;
        }
        checked++;
        if (!tags.canaryOk(epilogue) || tags.size(epilogue) != 0 || !tags.allocated(epilogue)
                || b != epilogue || tags.prevAllocated(epilogue) != prevAllocated) {
            return CheckResult.broken(STRUCTURE, checked, String.format("epilogue 0x%x: broken header", epilogue));
        }
        String counts = counts(live, bytes, free, freeBytes, held, perActor);
        if (counts != null) {
            return CheckResult.broken(STRUCTURE, checked, counts);
        }
        String index = blocks.checkStrategy();
        if (index != null) {
            return CheckResult.broken(STRUCTURE, checked, "index of the placement strategy: " + index);
        }
        return CheckResult.ok(STRUCTURE, checked);
    }

    /** What the walk's counts contradict, or null. */
    private String counts(long live, long bytes, long free, long freeBytes, long held, Map<Integer, long[]> perActor) {
        long[] ram = control.totalsInRam();
        if (ram[0] != control.current() || ram[3] != control.blocks() || ram[1] != control.peak()
                || ram[2] != control.total()) {
            return "control block: the counters in memory disagree with the heap's copy";
        }
        if (control.blocks() != live || control.current() != bytes) {
            return String.format("statistics: %d blocks of %d bytes, the walk found %d of %d",
                    control.blocks(), control.current(), live, bytes);
        }
        BlockMap map = blocks.freeMap();
        if (map.count() != free || map.bytes() != freeBytes) {
            return String.format("free map: %d blocks of %d bytes, the walk found %d of %d",
                    map.count(), map.bytes(), free, freeBytes);
        }
        if (blocks.allocatedMap().count() != live + held) {
            return String.format("map of allocated blocks: %d blocks, the walk found %d", blocks.allocatedMap().count(), live + held);
        }
        if (quarantine.count() != held) {
            return String.format("quarantine: holds %d blocks, the walk found %d", quarantine.count(), held);
        }
        for (int a = 0; a < HeapControl.ACTORS; a++) {
            long[] found = perActor.getOrDefault(a, new long[2]);
            long[] stored = control.actorInRam(a);
            if (stored[0] != found[0] || stored[3] != found[1] || control.actorCurrent(a) != found[0]
                    || control.actorBlocks(a) != found[1]) {
                return String.format("actor %d: statistics say %d blocks of %d bytes, the walk found %d of %d",
                        a, stored[3], stored[0], found[1], found[0]);
            }
        }
        return null;
    }

    /** What is wrong with the header of block {@code b}, or null. */
    private String header(long b, boolean prevAllocated, long epilogue) {
        if (!tags.canaryOk(b)) {
            return String.format("canary 0x%08x, expected 0x%08x", tags.storedCanary(b), BlockTags.canary(b));
        }
        long size = tags.size(b);
        if (!tags.sizeWordOk(b) || size < MIN_BLOCK || b + size > epilogue) {
            return String.format("bad size %d", size);
        }
        if (tags.prevAllocated(b) != prevAllocated) {
            return "previous-allocated bit is " + tags.prevAllocated(b) + " but the block before is "
                    + (prevAllocated ? "allocated" : "free");
        }
        if (tags.allocated(b)) {
            if (blocks.freeMap().contains(b)) {
                return "allocated, but the free map holds it";
            }
            if (!blocks.allocatedMap().contains(b)) {
                return "allocated, but the map of allocated blocks does not hold it";
            }
            if (tags.requested(b) < 0 || tags.requested(b) > size - HEADER) {
                return String.format("asks for %d bytes in a block of %d", tags.requested(b), size);
            }
            if (tags.site(b) >= HeapControl.SITES) {
                return "site " + tags.site(b) + " is not a site id";
            }
            if (tags.quarantined(b)) {
                long changed = blocks.memory().firstMismatch(b + HEADER, size - HEADER, HeapMemory.POISON);
                if (changed >= 0) {
                    return "quarantined, but its poison was overwritten at offset " + changed + " (a write after free)";
                }
            }
            return null;
        }
        if (!prevAllocated) {
            return "free, and so is the block before it";
        }
        if (!blocks.freeMap().contains(b)) {
            return "free, but the free map does not hold it";
        }
        return tags.footer(b, size) == size ? null : String.format("footer says %d, header %d", tags.footer(b, size), size);
    }
}
