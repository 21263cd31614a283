package org.clkernel.heap.replay;

import org.clkernel.api.heap.HeapReplayReport;
import static org.clkernel.heap.replay.ArrayHeap.BASE;
import static org.clkernel.heap.replay.RepTraceTest.EXAMPLE;
import static org.clkernel.heap.replay.RepTraceTest.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The replay on a correct heap, with numbers worked out by hand, and on heaps broken one way each,
 * every one of which it must stop at, naming the operation and what went wrong.
 */
class HeapReplayTest {
    /** Three blocks of 16 bytes. */
    static final String THREE = "0\n3\n3\n0\na 0 16\na 1 16\na 2 16\n";
    /** Two blocks of 16 bytes, both freed. */
    static final String TWO = "0\n2\n4\n0\na 0 16\na 1 16\nf 0\nf 1\n";

    static HeapReplayReport run(ReplayTarget heap, String trace) {
        return new HeapReplay(heap).run(parse(trace));
    }

    /** A heap whose nth malloc (from 1) returns what {@code broken} makes of the correct address. */
    static ArrayHeap mallocBrokenAt(int nth, java.util.function.LongUnaryOperator broken) {
        return new ArrayHeap() {
            int calls;

            @Override
            public long malloc(long size) {
                long p = super.malloc(size);
                return ++calls == nth ? broken.applyAsLong(p) : p;
            }
        };
    }

    @Test
    void runsTheLabsExampleWithTheNumbersWorkedOutByHand() {
        // 512 at 0x10000, 128 at 0x10200, 640 moved to 0x10280, 128 into the hole at 0x10000,
        // 768 moved to 0x10500: the break ends at 0x10800, 2048 bytes; the live peak is 896
        HeapReplayReport r = run(new ArrayHeap(), EXAMPLE);
        assertNull(r.failure());
        assertTrue(r.ok());
        assertEquals("t.rep", r.trace());
        assertEquals(8, r.operations());
        assertEquals(3, r.mallocs());
        assertEquals(2, r.reallocs());
        assertEquals(3, r.frees());
        assertEquals(896, r.peakLiveBytes());
        assertEquals(2048, r.highWaterBytes());
        assertEquals(896.0 / 2048, r.utilization());
    }

    @Test
    void utilizationIsThePeakOfLiveBytesOverTheHighWaterMark() {
        // 100 -> 104 bytes at 0x10000, 200 at 0x10068 ending at 0x10130; 50 reuses the first hole
        HeapReplayReport r = run(new ArrayHeap(), "0\n3\n6\n0\na 0 100\na 1 200\nf 0\na 2 50\nf 1\nf 2\n");
        assertNull(r.failure());
        assertEquals(300, r.peakLiveBytes());
        assertEquals(304, r.highWaterBytes());
        assertEquals(300.0 / 304, r.utilization());
    }

    @Test
    void utilizationIsZeroWhenTheHeapNeverUsedMemory() {
        HeapReplayReport r = run(new ArrayHeap(), "0\n0\n0\n0\n");
        assertNull(r.failure());
        assertEquals(0, r.highWaterBytes());
        assertEquals(0.0, r.utilization());
    }

    @Test
    void asksForOneByteWhereTheTraceAsksForNone() {
        List<Long> asked = new ArrayList<>();
        ArrayHeap heap = new ArrayHeap() {
            @Override
            public long malloc(long size) {
                asked.add(size);
                return super.malloc(size);
            }

            @Override
            public long realloc(long address, long size) {
                asked.add(size);
                return super.realloc(address, size);
            }
        };
        HeapReplayReport r = run(heap, "0\n2\n6\n0\na 0 0\na 1 0\nr 0 0\nr 1 24\nf 0\nf 1\n");
        assertNull(r.failure());
        assertEquals(List.of(1L, 1L, 1L, 24L), asked);
        assertEquals(24, r.peakLiveBytes());
        assertEquals(8 + 8 + 24, r.highWaterBytes());
    }

    @Test
    void stopsAtAPayloadThatOverlapsALiveBlock() {
        assertEquals("op 3 (a 2 16): payload 0x10008-0x10018 overlaps block 0 at 0x10000-0x10010",
                run(mallocBrokenAt(3, p -> BASE + 8), THREE).failure());
        assertEquals("op 3 (a 2 16): payload 0x10010-0x10020 overlaps block 1 at 0x10010-0x10020",
                run(mallocBrokenAt(3, p -> BASE + 16), THREE).failure());
        HeapReplayReport r = run(mallocBrokenAt(3, p -> BASE + 8), "0\n3\n4\n0\na 0 16\na 1 16\nf 0\na 2 16\n");
        assertEquals("op 4 (a 2 16): payload 0x10008-0x10018 overlaps block 1 at 0x10010-0x10020", r.failure());
        assertEquals(3, r.operations());
        assertEquals(2, r.mallocs());
        assertEquals(1, r.frees());
    }

    @Test
    void stopsAtAMisalignedPayload() {
        ArrayHeap heap = new ArrayHeap() {
            int calls;

            @Override
            public long malloc(long size) {
                return ++calls == 2 ? super.malloc(size + 8) + 4 : super.malloc(size);
            }
        };
        assertEquals("op 2 (a 1 16): payload 0x10014 is not 8-byte aligned", run(heap, THREE).failure());
    }

    @Test
    void stopsAtAPayloadOutsideTheHeap() {
        assertEquals("op 2 (a 1 16): payload 0x10018-0x10028 lies outside the heap 0x10000-0x10020",
                run(mallocBrokenAt(2, p -> p + 8), THREE).failure());
        assertEquals("op 1 (a 0 16): payload 0xfff0-0x10000 lies outside the heap 0x10000-0x10010",
                run(mallocBrokenAt(1, p -> BASE - 16), THREE).failure());
    }

    @Test
    void stopsWhenTheHeapIsOutOfMemory() {
        HeapReplayReport r = run(new ArrayHeap(64), "0\n2\n2\n0\na 0 32\na 1 64\n");
        assertEquals("op 2 (a 1 64): out of memory", r.failure());
        assertEquals(1, r.operations());
        assertEquals("op 2 (r 0 64): out of memory", run(new ArrayHeap(64), "0\n1\n2\n0\na 0 32\nr 0 64\n").failure());
    }

    @Test
    void stopsWhenAReallocLosesTheContents() {
        ArrayHeap zaps = new ArrayHeap() {
            @Override
            public long realloc(long address, long size) {
                long p = super.realloc(address, size);
                memory[(int) (p - BASE) + 40] = 0;
                return p;
            }
        };
        String trace = "0\n1\n2\n0\na 0 64\nr 0 100\n";
        assertEquals("op 2 (r 0 100): contents of block 0 changed at offset 40", run(zaps, trace).failure());
        ArrayHeap copiesNothing = new ArrayHeap() {
            @Override
            public long realloc(long address, long size) {
                long p = malloc(size);
                free(address);
                return p;
            }
        };
        assertEquals("op 2 (r 0 100): contents of block 0 changed at offset 0", run(copiesNothing, trace).failure());
        // shrinking checks only the bytes kept
        ArrayHeap zapsTail = new ArrayHeap() {
            @Override
            public long realloc(long address, long size) {
                long p = super.realloc(address, size);
                memory[(int) (p - BASE) + 40] = 0;
                return p;
            }
        };
        assertNull(run(zapsTail, "0\n1\n3\n0\na 0 64\nr 0 40\nf 0\n").failure());
    }

    @Test
    void stopsAtTheFreeOfABlockThatAnotherCallWroteInto() {
        ArrayHeap scribbles = new ArrayHeap() {
            int calls;

            @Override
            public long malloc(long size) {
                long p = super.malloc(size);
                if (++calls == 2) {
                    memory[5] = 0;
                }
                return p;
            }
        };
        HeapReplayReport r = run(scribbles, TWO);
        assertEquals("op 3 (f 0): contents of block 0 changed at offset 5", r.failure());
        assertEquals(2, r.operations());
    }

    @Test
    void stopsAtAFailedHeapCheck() {
        class BreaksOnFree extends ArrayHeap {
            boolean broken;

            @Override
            public void free(long address) {
                super.free(address);
                broken = true;
            }

            @Override
            public String check() {
                return broken ? "free list\n   broken" : super.check();
            }
        }
        HeapReplayReport r = new HeapReplay(new BreaksOnFree(), 1, done -> { }).run(parse(TWO));
        assertEquals("op 3 (f 0): heap check: free list broken", r.failure());
        assertEquals(3, r.operations());
        assertEquals("op 4 (f 1): heap check: free list broken",
                new HeapReplay(new BreaksOnFree(), 2, done -> { }).run(parse(TWO)).failure());
        r = new HeapReplay(new BreaksOnFree()).run(parse(TWO));
        assertEquals("end of trace: heap check: free list broken", r.failure());
        assertEquals(4, r.operations());
    }

    @Test
    void stopsWhenTheHeapThrows() {
        ArrayHeap throwing = new ArrayHeap() {
            @Override
            public void free(long address) {
                throw new IllegalStateException("double\nfree");
            }
        };
        assertEquals("op 3 (f 0): the heap threw IllegalStateException: double free", run(throwing, TWO).failure());
    }

    @Test
    void runsTheHeapCheckEveryNOperationsAndOnceAtTheEnd() {
        assertEquals(1, checks(0, TWO));
        assertEquals(4, checks(1, TWO));
        assertEquals(2, checks(2, TWO));
        assertEquals(2, checks(3, TWO));
        assertEquals(3, checks(2, "0\n3\n5\n0\na 0 8\na 1 8\na 2 8\nf 0\nf 1\n"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HeapReplay(new ArrayHeap(), -1, done -> { }));
        assertEquals("checkEvery -1 is below 0", e.getMessage());
    }

    @Test
    void reportsProgressEveryTenthAndAtTheEnd() {
        List<Long> seen = new ArrayList<>();
        new HeapReplay(new ArrayHeap(), 0, seen::add).run(TraceFamilies.generate("random", 1, 100));
        assertEquals(List.of(10L, 20L, 30L, 40L, 50L, 60L, 70L, 80L, 90L, 100L), seen);
        seen.clear();
        new HeapReplay(new ArrayHeap(), 0, seen::add).run(parse(TWO));
        assertEquals(List.of(1L, 2L, 3L, 4L), seen);
        seen.clear();
        new HeapReplay(new ArrayHeap(64), 0, seen::add).run(parse("0\n2\n2\n0\na 0 32\na 1 64\n"));
        assertEquals(List.of(1L), seen);
    }

    @Test
    void timesTheHeapsCallsApartFromTheWholeRun() {
        ArrayHeap slowFill = new ArrayHeap() {
            @Override
            public void fill(long address, byte value, long length) {
                sleep(30);
                super.fill(address, value, length);
            }
        };
        HeapReplayReport r = run(slowFill, TWO);
        assertTrue(r.nanos() >= 60_000_000, "whole run " + r.nanos());
        assertTrue(r.targetNanos() < r.nanos() / 2, "in the heap " + r.targetNanos() + " of " + r.nanos());
        ArrayHeap slowMalloc = new ArrayHeap() {
            @Override
            public long malloc(long size) {
                sleep(30);
                return super.malloc(size);
            }
        };
        r = run(slowMalloc, TWO);
        assertTrue(r.targetNanos() >= 60_000_000, "in the heap " + r.targetNanos());
        assertTrue(r.targetNanos() <= r.nanos());
        assertTrue(r.operationsPerSecond() > 0 && r.operationsPerSecond() <= r.targetOperationsPerSecond());
    }

    @Test
    void formatsAReportForAShell() {
        HeapReplayReport r = new HeapReplayReport("binary#1", 12000, 6000, 0, 6000, 896, 2048, 896.0 / 2048,
                2_000_000_000L, 500_000_000L, null);
        assertEquals(String.join(System.lineSeparator(),
                "trace        binary#1",
                "result       ran through",
                "operations   12,000 (6,000 malloc, 0 realloc, 6,000 free)",
                "peak live    896 bytes",
                "high water   2,048 bytes",
                "utilization  43.8%",
                "time         2000.000 ms in all, 500.000 ms in the heap",
                "throughput   6,000 ops/s in all, 24,000 ops/s in the heap",
                ""), r.format());
        HeapReplayReport failed = new HeapReplayReport("t.rep", 1, 1, 0, 0, 32, 32, 1, 0, 0, "op 2 (a 1 64): out of memory");
        assertTrue(failed.format().contains("result       FAILED op 2 (a 1 64): out of memory"), failed.format());
        assertEquals(0, failed.operationsPerSecond());
    }

    private static int checks(int every, String trace) {
        int[] count = {0};
        ArrayHeap counting = new ArrayHeap() {
            @Override
            public String check() {
                count[0]++;
                return super.check();
            }
        };
        assertNull(new HeapReplay(counting, every, done -> { }).run(parse(trace)).failure());
        return count[0];
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
