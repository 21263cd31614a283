package org.clkernel.supervisor;

import java.util.ArrayList;
import java.util.List;

import org.clkernel.api.heap.KernelHeap;
import org.clkernel.api.supervisor.LeakReport;
import org.clkernel.api.supervisor.LeakReport.Leak;

/**
 * One scan, after kmemleak's (Catalin Marinas, kernel documentation dev-tools/kmemleak): every live
 * block starts white; the roots are scanned word by word, and each word that points anywhere into a
 * white block's payload turns that block gray and queues it; gray blocks are scanned in turn until
 * none is left. The blocks still white are the leaks. Quarantined blocks are freed memory: they are
 * neither candidates nor scanned, and a value pointing at one keeps nothing.
 *
 * <p>Each word costs one binary search, so N blocks and B scanned bytes take O(B log N).
 */
final class LeakScan {
    private final KernelReader reader;
    private final BlockIndex blocks;
    /** Whether a block was reached (gray, or black once scanned). */
    private final boolean[] reached;
    private int[] work = new int[64];
    private int pending;
    private long blocksScanned;
    private long bytesScanned;

    LeakScan(KernelReader reader, BlockIndex blocks) {
        this.reader = reader;
        this.blocks = blocks;
        this.reached = new boolean[blocks.size];
    }

    /** The live blocks of a heap, indexed. */
    static BlockIndex liveBlocks(KernelHeap heap) {
        BlockIndex.Builder builder = new BlockIndex.Builder();
        heap.forEachBlock(b -> {
            if (b.state() == KernelHeap.BlockState.USED) {
                builder.add(b.address(), Math.max(1, b.requested()), b.owner(), b.site(), b.ageMillis());
            }
        });
        return builder.build();
    }

    /**
     * Runs the scan from the roots, each {@code {address, length}}. A block that overlaps a root is
     * the kernel's data itself: it is reached, and scanned whole.
     */
    LeakReport run(List<long[]> roots, KernelHeap heap, long minAgeMillis, long startNanos) {
        for (long[] root : roots) {
            markOverlapping(root[0], root[0] + root[1]);
            scanRange(root[0], root[1]);
        }
        while (pending > 0) {
            int b = work[--pending];
            blocksScanned++;
            scanRange(blocks.starts[b], blocks.ends[b] - blocks.starts[b]);
        }
        List<Leak> leaks = new ArrayList<>();
        for (int b = 0; b < blocks.size; b++) {
            if (!reached[b] && blocks.ages[b] >= minAgeMillis) {
                leaks.add(new Leak(blocks.starts[b], blocks.ends[b] - blocks.starts[b], blocks.owners[b],
                        heap.siteName(blocks.sites[b]), blocks.ages[b]));
            }
        }
        return new LeakReport(leaks, blocksScanned, bytesScanned, System.nanoTime() - startNanos);
    }

    private void markOverlapping(long start, long end) {
        for (int b = blocks.firstEndingAfter(start); b < blocks.size && blocks.starts[b] < end; b++) {
            reach(b);
        }
    }

    private void reach(int b) {
        if (reached[b]) {
            return;
        }
        reached[b] = true;
        if (pending == work.length) {
            work = java.util.Arrays.copyOf(work, pending * 2);
        }
        work[pending++] = b;
    }

    /** Scans the 4-byte aligned words of a range, a page at a time. */
    private void scanRange(long address, long length) {
        long end = address + length;
        long at = (address + 3) & ~3L;
        bytesScanned += length;
        byte[] page = reader.page;
        while (at + 4 <= end) {
            int n = reader.readChunk(at, end - at);
            if (n < 0) {
                at += -n;
                continue;
            }
            int from = (int) (at & (KernelReader.PAGE - 1));
            int to = from + (n & ~3);
            for (int i = from; i < to; i += 4) {
                long value = (page[i] & 0xFFL) | (page[i + 1] & 0xFFL) << 8 | (page[i + 2] & 0xFFL) << 16
                        | (page[i + 3] & 0xFFL) << 24;
                int b = blocks.find(value);
                if (b >= 0) {
                    reach(b);
                }
            }
            at += n;
        }
    }
}
