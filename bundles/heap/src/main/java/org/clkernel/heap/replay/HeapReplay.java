package org.clkernel.heap.replay;

import org.clkernel.api.heap.HeapReplayReport;
import java.util.function.LongConsumer;

/**
 * Replays a {@link RepTrace} on a heap and checks the heap at every step, as the malloc-lab driver
 * did, so a heap is measured only on runs it got right. After each allocation or reallocation the
 * payload must be 8-byte aligned, lie inside {@code [heapStart, heapEnd)} and overlap no live
 * block. Each block is filled with a byte of its id when it is allocated (and its new tail after a
 * reallocation); its contents are read back up to the smaller size after a reallocation, and whole
 * before it is freed. The heap's own check runs every {@code checkEvery} operations and at the end.
 *
 * <p>A block of size 0 ({@code a id 0}, {@code r id 0}) is asked of the heap as 1 byte and the
 * replay owns and checks that byte, so every live block has an address of its own and the overlap
 * check keeps its meaning; it adds 0 to the live bytes. C leaves {@code malloc(0)} to the
 * implementation, the lab's driver asserted every block it checked was larger than 0, and the
 * kernel heap refuses 0: asking for 1 byte is the one request all of them answer alike. A
 * {@code r} never frees, whatever its size; only {@code f} does (see {@link RepTrace}).
 *
 * <p>Utilization is the lab's: the peak of the live bytes asked for, over the high-water mark of
 * the heap's size after each operation. Two times are kept: the whole run, checks and filling
 * included, and the time inside {@code malloc}, {@code realloc} and {@code free} alone, which is
 * the heap's own throughput. The first failure stops the replay and is named in one line,
 * {@code "op N (a 17 96): what"}, N counting from 1; the report counts only operations completed.
 */
public final class HeapReplay {
    /** The alignment every payload must have. */
    public static final long ALIGNMENT = 8;

    private final ReplayTarget target;
    private final int checkEvery;
    private final LongConsumer progress;

    /**
     * @param checkEvery run the heap's check after every this many operations; 0 checks only at the end
     * @param progress   told the operations done about every tenth of the trace, and at the end
     */
    public HeapReplay(ReplayTarget target, int checkEvery, LongConsumer progress) {
        if (checkEvery < 0) {
            throw new IllegalArgumentException("checkEvery " + checkEvery + " is below 0");
        }
        this.target = target;
        this.checkEvery = checkEvery;
        this.progress = progress;
    }

    /** A replay that checks the heap at the end only and reports no progress. */
    public HeapReplay(ReplayTarget target) {
        this(target, 0, done -> { });
    }

    /** Replays {@code trace} on a heap that holds none of its blocks yet. */
    public HeapReplayReport run(RepTrace trace) {
        return new ReplayRun(trace, target, checkEvery, progress).run();
    }

    /**
     * The byte block {@code id} is filled with: never 0, so a payload zeroed shows, and never that
     * of the ids next to it.
     */
    static byte fillByte(int id) {
        return (byte) (1 + id % 255);
    }
}
