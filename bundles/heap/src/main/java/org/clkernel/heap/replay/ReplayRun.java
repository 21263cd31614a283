package org.clkernel.heap.replay;

import org.clkernel.api.heap.HeapReplayReport;
import java.util.function.LongConsumer;

/**
 * One replay of one trace: the blocks it holds, its counters and clocks. A new one for every run,
 * so a {@link HeapReplay} keeps no state between runs.
 */
final class ReplayRun {
    private final RepTrace trace;
    private final ReplayTarget target;
    private final int checkEvery;
    private final LongConsumer progress;
    private final LiveBlocks live = new LiveBlocks();

    private long heapStart;
    private long done;
    private long mallocs;
    private long reallocs;
    private long frees;
    private long peakLive;
    private long highWater;
    private long targetNanos;

    /** A failure of the heap under test; carries its one-line description. */
    private static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message, null, false, false);
        }
    }

    ReplayRun(RepTrace trace, ReplayTarget target, int checkEvery, LongConsumer progress) {
        this.trace = trace;
        this.target = target;
        this.checkEvery = checkEvery;
        this.progress = progress;
    }

    HeapReplayReport run() {
        long start = System.nanoTime();
        int n = trace.operations();
        long tenth = Math.max(1, n / 10);
        String failure = null;
        long reported = -1;
        try {
            heapStart = target.heapStart();
        } catch (RuntimeException e) {
            failure = "start: " + describe(e);
        }
        for (int op = 0; op < n && failure == null; op++) {
            failure = attempt(op);
            if (failure == null && done % tenth == 0 && done < n) {
                progress.accept(done);
                reported = done;
            }
        }
        if (failure == null && (checkEvery == 0 || n == 0 || n % checkEvery != 0)) {
            try {
                check();
            } catch (RuntimeException e) {
                failure = "end of trace: " + describe(e);
            }
        }
        if (reported != done) {
            progress.accept(done);
        }
        long nanos = System.nanoTime() - start;
        double utilization = highWater > 0 ? (double) peakLive / highWater : 0;
        return new HeapReplayReport(trace.name(), done, mallocs, reallocs, frees, peakLive, highWater,
                utilization, nanos, targetNanos, failure);
    }

    /** Runs operation {@code op} and what follows it. @return the failure in one line, or null */
    private String attempt(int op) {
        try {
            step(op);
            done++;
            highWater = Math.max(highWater, target.heapBytes());
            if (checkEvery > 0 && done % checkEvery == 0) {
                check();
            }
            return null;
        } catch (RuntimeException e) {
            return "op " + (op + 1) + " (" + trace.operation(op) + "): " + describe(e);
        }
    }

    private void step(int op) {
        int id = trace.id(op);
        switch (trace.kind(op)) {
            case RepTrace.ALLOCATE -> allocate(id, trace.size(op));
            case RepTrace.REALLOCATE -> reallocate(id, trace.size(op));
            default -> free(id);
        }
        peakLive = Math.max(peakLive, live.requestedBytes());
    }

    private void allocate(int id, long size) {
        long length = Math.max(size, 1);
        long t = System.nanoTime();
        long p;
        try {
            p = target.malloc(length);
        } finally {
            targetNanos += System.nanoTime() - t;
        }
        place(p, length);
        live.add(id, p, length, size);
        target.fill(p, HeapReplay.fillByte(id), length);
        mallocs++;
    }

    private void reallocate(int id, long size) {
        long length = Math.max(size, 1);
        long old = live.address(id);
        long kept = Math.min(live.length(id), length);
        long t = System.nanoTime();
        long p;
        try {
            p = target.realloc(old, length);
        } finally {
            targetNanos += System.nanoTime() - t;
        }
        if (p == 0) {
            throw new Failure("out of memory");
        }
        live.remove(id);
        place(p, length);
        live.add(id, p, length, size);
        verify(id, p, kept);
        if (length > kept) {
            target.fill(p + kept, HeapReplay.fillByte(id), length - kept);
        }
        reallocs++;
    }

    private void free(int id) {
        long p = live.address(id);
        verify(id, p, live.length(id));
        live.remove(id);
        long t = System.nanoTime();
        try {
            target.free(p);
        } finally {
            targetNanos += System.nanoTime() - t;
        }
        frees++;
    }

    /** Checks a payload the heap just returned for {@code length} bytes. */
    private void place(long p, long length) {
        if (p == 0) {
            throw new Failure("out of memory");
        }
        if (p % HeapReplay.ALIGNMENT != 0) {
            throw new Failure(String.format("payload 0x%x is not %d-byte aligned", p, HeapReplay.ALIGNMENT));
        }
        long end = target.heapEnd();
        if (p < heapStart || p + length > end || p + length < p) {
            throw new Failure(String.format("payload 0x%x-0x%x lies outside the heap 0x%x-0x%x",
                    p, p + length, heapStart, end));
        }
        int other = live.overlapping(p, p + length);
        if (other >= 0) {
            long at = live.address(other);
            throw new Failure(String.format("payload 0x%x-0x%x overlaps block %d at 0x%x-0x%x",
                    p, p + length, other, at, at + live.length(other)));
        }
    }

    private void verify(int id, long p, long length) {
        long offset = target.firstMismatch(p, HeapReplay.fillByte(id), length);
        if (offset >= 0) {
            throw new Failure("contents of block " + id + " changed at offset " + offset);
        }
    }

    private void check() {
        String problem = target.check();
        if (problem != null) {
            throw new Failure("heap check: " + oneLine(problem));
        }
    }

    private static String describe(RuntimeException e) {
        if (e instanceof Failure) {
            return e.getMessage();
        }
        String message = e.getMessage() == null ? "" : ": " + oneLine(e.getMessage());
        return "the heap threw " + e.getClass().getSimpleName() + message;
    }

    private static String oneLine(String s) {
        return s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
