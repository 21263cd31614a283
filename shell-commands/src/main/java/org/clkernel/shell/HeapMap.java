package org.clkernel.shell;

import org.clkernel.api.heap.KernelHeap;
import org.clkernel.api.heap.KernelHeap.BlockState;

/**
 * The picture {@code heap:map} draws: the heap's blocks in address order, 64 characters a line,
 * each character standing for the same number of bytes. A character shows what its bytes hold:
 * '#' only used blocks, '.' only free memory, '+' both, 'q' anything quarantined (the state to
 * notice first).
 */
final class HeapMap {
    static final int WIDTH = 64;
    static final int MAX_LINES = 32;

    private HeapMap() {
    }

    /** @param bytesPerChar bytes a character stands for, 0 to fit the heap in {@value #MAX_LINES} lines */
    static String draw(KernelHeap heap, long bytesPerChar) {
        long heapBytes = heap.stats().heapBytes();
        long per = bytesPerChar > 0 ? bytesPerChar : Math.max(16, roundUp(heapBytes, WIDTH * MAX_LINES));
        int cells = (int) Math.min(Integer.MAX_VALUE - 8, (heapBytes + per - 1) / per);
        if (cells > 1 << 20) {
            throw new IllegalArgumentException(per + " bytes a character draws " + cells + " characters; ask for more bytes");
        }
        byte[] used = new byte[cells];
        byte[] free = new byte[cells];
        byte[] held = new byte[cells];
        long[] start = {-1};
        heap.forEachBlock(b -> {
            if (start[0] < 0) {
                start[0] = b.block();
            }
            byte[] mark = b.state() == BlockState.USED ? used : b.state() == BlockState.FREE ? free : held;
            long from = (b.block() - start[0]) / per;
            long to = Math.min(cells - 1, (b.block() + b.size() - 1 - start[0]) / per);
            for (long c = from; c <= to; c++) {
                mark[(int) c] = 1;
            }
        });
        StringBuilder out = new StringBuilder();
        for (int c = 0; c < cells; c++) {
            if (c % WIDTH == 0) {
                out.append(c == 0 ? "" : "\n").append(Args.hex32(start[0] + c * per)).append(' ');
            }
            out.append(held[c] != 0 ? 'q' : used[c] != 0 && free[c] != 0 ? '+' : used[c] != 0 ? '#' : free[c] != 0 ? '.' : ' ');
        }
        KernelHeap.HeapStats s = heap.stats();
        out.append(String.format("%none character = %d bytes; '#' used, '.' free, '+' both, 'q' quarantined%n", per));
        out.append(String.format("%d used, %d free, %d quarantined blocks in %s", s.blocks(), s.freeBlocks(),
                s.quarantinedBlocks(), Args.bytes(s.heapBytes())));
        return out.toString();
    }

    /** {@code total / parts} rounded up to a multiple of 16. */
    private static long roundUp(long total, long parts) {
        long each = (total + parts - 1) / parts;
        return (each + 15) & ~15L;
    }
}
