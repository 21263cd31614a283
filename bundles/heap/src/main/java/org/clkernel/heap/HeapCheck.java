package org.clkernel.heap;

import static org.clkernel.api.paging.KernelLayout.HEAP_WINDOW;
import static org.clkernel.api.paging.KernelLayout.HEAP_WINDOW_END;
import static org.clkernel.heap.BlockTags.HEADER;
import static org.clkernel.heap.BlockTags.MIN_BLOCK;

import org.clkernel.api.CheckResult;
import org.clkernel.api.heap.KernelHeap.HeapStats;

/**
 * The heap's integrity walk: every block from the first to the epilogue, then the statistics
 * against what the walk found. Stops at the first broken element and names it.
 */
final class HeapCheck {
    static final String STRUCTURE = "kernel heap";

    private final BlockTags tags;
    private final HeapControl control;

    HeapCheck(BlockTags tags, HeapControl control) {
        this.tags = tags;
        this.control = control;
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
        long blocks = 0;
        long bytes = 0;
        boolean prevAllocated = true;
        long b = HeapControl.FIRST_BLOCK;
        while (b < epilogue) {
            checked++;
            String problem = header(b, prevAllocated, epilogue);
            if (problem != null) {
                return CheckResult.broken(STRUCTURE, checked, String.format("block 0x%x: %s", b, problem));
            }
            prevAllocated = tags.allocated(b);
            if (prevAllocated) {
                blocks++;
                bytes += tags.requested(b);
            }
            b += tags.size(b);
        }
        checked++;
        if (!tags.canaryOk(epilogue) || tags.size(epilogue) != 0 || !tags.allocated(epilogue)
                || b != epilogue || tags.prevAllocated(epilogue) != prevAllocated) {
            return CheckResult.broken(STRUCTURE, checked, String.format("epilogue 0x%x: broken header", epilogue));
        }
        HeapStats stats = control.stats();
        if (stats.blocks() != blocks || stats.currentBytes() != bytes) {
            return CheckResult.broken(STRUCTURE, checked, String.format(
                    "statistics: %d blocks of %d bytes, the walk found %d of %d",
                    stats.blocks(), stats.currentBytes(), blocks, bytes));
        }
        return CheckResult.ok(STRUCTURE, checked);
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
            return tags.requested(b) > size - HEADER
                    ? String.format("asks for %d bytes in a block of %d", tags.requested(b), size) : null;
        }
        if (!prevAllocated) {
            return "free, and so is the block before it";
        }
        return tags.footer(b, size) == size ? null : String.format("footer says %d, header %d", tags.footer(b, size), size);
    }
}
