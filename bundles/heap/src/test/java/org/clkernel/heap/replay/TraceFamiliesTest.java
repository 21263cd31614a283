package org.clkernel.heap.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongPredicate;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Each family: valid, balanced, of the length asked, a function of its seed, and of its own shape. */
class TraceFamiliesTest {

    static List<String> families() {
        return TraceFamilies.families();
    }

    @ParameterizedTest
    @MethodSource("families")
    void isValidBalancedAndOfTheLengthAsked(String family) {
        for (int operations : new int[] {0, 1, 2, 3, 5, 6, 7, 11, 100, 999, 20_000}) {
            RepTrace t = TraceFamilies.generate(family, 42, operations);
            String what = family + " of " + operations;
            assertEquals(operations + (operations & 1), t.operations(), what);
            assertEquals(0, t.liveAtEnd(), what);
            assertEquals(allocations(t), t.ids(), what + ": every block has an id of its own");
            assertEquals(t.peakLiveBytes(), t.suggestedHeapSize(), what);
            assertEquals(1, t.weight(), what);
            assertEquals(family + "#42", t.name());
        }
    }

    @ParameterizedTest
    @MethodSource("families")
    void isAFunctionOfTheSeed(String family) {
        assertEquals(ops(TraceFamilies.generate(family, 7, 5000)), ops(TraceFamilies.generate(family, 7, 5000)));
        assertFalse(ops(TraceFamilies.generate(family, 7, 5000)).equals(ops(TraceFamilies.generate(family, 8, 5000))),
                family + ": seeds 7 and 8 gave the same trace");
    }

    @Test
    void binaryAlternatesSmallAndLargeThenAsksForLargerOnce() {
        RepTrace t = TraceFamilies.generate("binary", 1, 6000);
        int n = 1000;
        for (int i = 0; i < 2 * n; i++) {
            assertEquals("a " + i + " " + (i % 2 == 0 ? 64 : 448), t.operation(i));
        }
        for (int i = 2 * n; i < 3 * n; i++) {
            assertEquals(RepTrace.FREE, t.kind(i));
            assertEquals(1, t.id(i) % 2, "only the 448-byte blocks are freed first");
        }
        for (int i = 3 * n; i < 4 * n; i++) {
            assertEquals(RepTrace.ALLOCATE, t.kind(i));
            assertEquals(512, t.size(i));
        }
        assertSizes(t, s -> s == 64 || s == 448 || s == 512);
        RepTrace rounds = TraceFamilies.generate("binary", 1, 100_000);
        assertEquals(2000 * (64 + 512), rounds.peakLiveBytes(), "rounds of 2000 pairs, as the lab's trace");
    }

    @Test
    void coalescingAsksForTheSumOfTheRunItFreed() {
        RepTrace t = TraceFamilies.generate("coalescing", 3, 10_000);
        assertSizes(t, s -> s % 4095 == 0 && s / 4095 >= 1 && s / 4095 <= 4);
        int run = 0;
        for (int i = 0; i < t.operations(); i++) {
            if (t.kind(i) == RepTrace.ALLOCATE && t.size(i) == 4095) {
                run++;
            } else if (t.kind(i) == RepTrace.ALLOCATE) {
                assertEquals(run * 4095L, t.size(i), "op " + i);
                assertEquals("f " + t.id(i), t.operation(i + 1));
                run = 0;
            }
        }
    }

    @Test
    void randomHoversAroundItsLiveTarget() {
        RepTrace t = TraceFamilies.generate("random", 5, 100_000);
        assertSizes(t, s -> s >= 1 && s <= 4096);
        int live = 0;
        int max = 0;
        for (int i = 0; i < t.operations(); i++) {
            live += t.kind(i) == RepTrace.ALLOCATE ? 1 : -1;
            max = Math.max(max, live);
        }
        assertTrue(max >= 1000 && max < 1300, "most blocks live at once: " + max);
    }

    @Test
    void reallocGrowsBuffersBetweenSmallBlocks() {
        RepTrace t = TraceFamilies.generate("realloc", 9, 20_000);
        long reallocs = 0;
        for (int i = 0; i < t.operations(); i++) {
            if (t.kind(i) == RepTrace.REALLOCATE) {
                reallocs++;
                assertTrue(t.size(i) <= 65536, "op " + i);
            }
        }
        assertTrue(reallocs > 6000, "reallocations: " + reallocs);
        assertSizes(t, s -> s >= 16 && s <= 1024);
    }

    @Test
    void compilerIsMostlySmallBlocksInPhases() {
        RepTrace t = TraceFamilies.generate("compiler", 11, 50_000);
        assertSizes(t, s -> s >= 8 && s <= 1024);
        long small = 0;
        long allocations = allocations(t);
        for (int i = 0; i < t.operations(); i++) {
            if (t.kind(i) == RepTrace.ALLOCATE && t.size(i) <= 128) {
                small++;
            }
        }
        assertTrue(small > 0.9 * allocations, small + " of " + allocations + " are 128 bytes or less");
    }

    @Test
    void rejectsAnUnknownFamilyAndANegativeLength() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TraceFamilies.generate("buddy", 1, 10));
        assertEquals("unknown trace family \"buddy\": known are binary, coalescing, random, realloc, compiler",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TraceFamilies.generate("random", 1, -1));
        assertEquals("operations -1 is below 0", e.getMessage());
        assertEquals(List.of("binary", "coalescing", "random", "realloc", "compiler"), TraceFamilies.families());
    }

    static long allocations(RepTrace t) {
        long n = 0;
        for (int i = 0; i < t.operations(); i++) {
            n += t.kind(i) == RepTrace.ALLOCATE ? 1 : 0;
        }
        return n;
    }

    static List<String> ops(RepTrace t) {
        String[] lines = new String[t.operations()];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = t.operation(i);
        }
        return List.of(lines);
    }

    private static void assertSizes(RepTrace t, LongPredicate allowed) {
        Set<Long> bad = new HashSet<>();
        for (int i = 0; i < t.operations(); i++) {
            if (t.kind(i) == RepTrace.ALLOCATE && !allowed.test(t.size(i))) {
                bad.add(t.size(i));
            }
        }
        assertTrue(bad.isEmpty(), t.name() + ": sizes out of the family: " + bad);
    }
}
