package org.clkernel.heap;

import static org.clkernel.api.paging.KernelLayout.HEAP_WINDOW;
import static org.clkernel.api.paging.KernelLayout.HEAP_WINDOW_END;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.clkernel.api.CheckResult;
import org.clkernel.api.heap.KernelHeap.HeapStats;
import org.clkernel.api.physical.FrameAllocator;
import org.junit.jupiter.api.Test;

class KernelHeapTest {
    private final BootedHeap h = new BootedHeap();

    @Test
    void kmallocReturnsAnAlignedBlockInTheHeapWindow() {
        long a = h.heap.kmalloc(13, 5);
        assertEquals(0, a % 8);
        assertTrue(a >= HEAP_WINDOW && a < HEAP_WINDOW_END);
        assertTrue(h.heap.usableSize(a) >= 13);
        HeapStats stats = h.heap.stats();
        assertEquals(List.of(13L, 13L, 13L, 1L, 4096L), List.of(stats.currentBytes(), stats.peakBytes(),
                stats.totalBytes(), stats.blocks(), stats.heapBytes()));
        h.assertIntact();
    }

    @Test
    void kfreeTakesTheBlockBackAndKeepsThePeak() {
        long a = h.heap.kmalloc(100, 0);
        h.heap.kfree(a);
        HeapStats stats = h.heap.stats();
        assertEquals(List.of(0L, 100L, 100L, 0L, 4096L), List.of(stats.currentBytes(), stats.peakBytes(),
                stats.totalBytes(), stats.blocks(), stats.heapBytes()));
        assertEquals(1, stats.quarantinedBlocks(), "the freed block waits in quarantine");
        h.assertIntact();
    }

    @Test
    void freeingEverythingCoalescesBackToOneFreeBlock() {
        h.heap.configure(java.util.Map.of("poison", "false"));
        List<Long> blocks = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            blocks.add(h.heap.kmalloc(24 + i * 40, 1));
        }
        for (int i = 0; i < blocks.size(); i += 2) {
            h.heap.kfree(blocks.get(i));
        }
        for (int i = 1; i < blocks.size(); i += 2) {
            h.heap.kfree(blocks.get(i));
        }
        HeapBlocks again = Heap.attach(h.memory, System::currentTimeMillis).blocks();
        assertEquals(HeapControl.FIRST_BLOCK, again.wilderness(), "one free block, the whole heap, kept at the top");
        List<long[]> seen = new ArrayList<>();
        again.forEachFree((address, size) -> seen.add(new long[] {address, size}));
        assertEquals(0, seen.size(), "strategies do not see the wilderness");
        HeapStats stats = h.heap.stats();
        assertEquals(1, stats.freeBlocks());
        assertEquals(stats.heapBytes() - BlockTags.HEADER, stats.largestFree());
        h.assertIntact();
    }

    @Test
    void kreallocGrowsInPlaceIntoTheFreeBlockAfter() {
        long a = h.heap.kmalloc(40, 2);
        h.fill(a, 40, 0x5A);
        long b = h.heap.krealloc(a, 400, 2);
        assertEquals(a, b);
        assertTrue(h.heap.usableSize(a) >= 400);
        h.assertFilled(a, 40, 0x5A);
        h.assertIntact();
    }

    @Test
    void kreallocShrinksInPlace() {
        long a = h.heap.kmalloc(1000, 2);
        h.fill(a, 1000, 0x11);
        assertEquals(a, h.heap.krealloc(a, 10, 2));
        h.assertFilled(a, 10, 0x11);
        assertEquals(10, h.heap.stats().currentBytes());
        h.assertIntact();
    }

    @Test
    void kreallocMovesWhenBlockedAndKeepsTheContents() {
        long a = h.heap.kmalloc(64, 3);
        long wall = h.heap.kmalloc(8, 3);
        h.fill(a, 64, 0x77);
        long b = h.heap.krealloc(a, 256, 3);
        assertNotEquals(a, b);
        h.assertFilled(b, 64, 0x77);
        assertThrows(IllegalArgumentException.class, () -> h.heap.kfree(a));
        assertEquals(2, h.heap.stats().blocks());
        h.heap.kfree(wall);
        h.assertIntact();
    }

    @Test
    void kcallocZeroesReusedMemory() {
        h.heap.configure(java.util.Map.of("poison", "false", "zero.on.free", "false"));
        long dirty = h.heap.kmalloc(256, 1);
        h.fill(dirty, 256, 0xFF);
        h.heap.kfree(dirty);
        long a = h.heap.kcalloc(32, 8, 1);
        assertEquals(dirty, a);
        h.assertFilled(a, 256, 0);
    }

    @Test
    void kcallocRefusesAnOverflowingProduct() {
        HeapStats before = h.heap.stats();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> h.heap.kcalloc(0x10000, 0x10001, 1));
        assertTrue(e.getMessage().contains("overflows"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> h.heap.kcalloc(Long.MAX_VALUE, 2, 1));
        assertEquals(before, h.heap.stats());
    }

    @Test
    void doubleFreeIsRefusedWithNoDamage() {
        long a = h.heap.kmalloc(48, 1);
        long b = h.heap.kmalloc(48, 1);
        h.fill(b, 48, 0x42);
        h.heap.kfree(a);
        HeapStats before = h.heap.stats();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> h.heap.kfree(a));
        assertTrue(e.getMessage().contains("double free"), e.getMessage());
        assertEquals(before, h.heap.stats());
        h.assertFilled(b, 48, 0x42);
        h.assertIntact();
    }

    @Test
    void aHeaderLeftInsideAMergedFreeBlockDoesNotLookAllocated() {
        long a = h.heap.kmalloc(1, 1);
        long b = h.heap.kmalloc(1, 1);
        h.heap.kfree(a);
        h.heap.kfree(b);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> h.heap.kfree(b));
        assertTrue(e.getMessage().contains("double free"), e.getMessage());
        h.assertIntact();
    }

    @Test
    void pointersThatAreNoBlockAreRefused() {
        long a = h.heap.kmalloc(64, 1);
        HeapStats before = h.heap.stats();
        assertThrows(IllegalArgumentException.class, () -> h.heap.kfree(a + 8));
        assertThrows(IllegalArgumentException.class, () -> h.heap.kfree(a + 3));
        assertThrows(IllegalArgumentException.class, () -> h.heap.kfree(0x1000));
        assertThrows(IllegalArgumentException.class, () -> h.heap.kfree(HEAP_WINDOW_END - 8));
        assertEquals(before, h.heap.stats());
        h.assertIntact();
    }

    @Test
    void aCorruptedCanaryIsRefusedOnFree() {
        long a = h.heap.kmalloc(64, 1);
        h.memory.write32(a - BlockTags.HEADER + 4, 0xDEADBEEF);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> h.heap.kfree(a));
        assertTrue(e.getMessage().contains("canary is 0xdeadbeef"), e.getMessage());
    }

    @Test
    void checkNamesTheFirstCorruptedHeader() {
        h.heap.kmalloc(64, 1);
        long second = h.heap.kmalloc(64, 1);
        h.heap.kmalloc(64, 1);
        h.memory.write32(second - BlockTags.HEADER, 0x7FFFFFF1);
        CheckResult result = h.heap.check();
        assertFalse(result.isOk());
        assertTrue(result.firstProblem().startsWith(String.format("block 0x%x: bad size", second - BlockTags.HEADER)),
                result.toString());
        assertEquals(2, result.elementsChecked());
    }

    @Test
    void checkNamesABrokenPrevAllocatedBit() {
        long first = h.heap.kmalloc(64, 1);
        long second = h.heap.kmalloc(64, 1);
        h.memory.write32(second - BlockTags.HEADER, h.memory.read32(second - BlockTags.HEADER) & ~BlockTags.PREV_ALLOCATED);
        CheckResult result = h.heap.check();
        assertTrue(result.firstProblem().contains("previous-allocated"), result.toString());
        assertTrue(result.firstProblem().startsWith(String.format("block 0x%x", second - BlockTags.HEADER)));
        assertNotEquals(0, first);
    }

    @Test
    void growthMapsKernelFramesIntoTheWindow() {
        long a = h.heap.kmalloc(20_000, 4);
        assertEquals(5 * 4096, h.heap.stats().heapBytes(), "the free tail of the first page serves too");
        for (long va = HeapControl.FIRST_BLOCK; va < HeapControl.FIRST_BLOCK + h.heap.stats().heapBytes(); va += 4096) {
            long pa = h.vm.physical(0, va).orElseThrow();
            FrameAllocator.Block frame = h.frames.block(pa >>> 12);
            assertEquals(FrameAllocator.KERNEL, frame.owner(), String.format("owner of the frame under 0x%x", va));
        }
        h.fill(a, 20_000, 0x3C);
        h.assertFilled(a, 20_000, 0x3C);
        h.assertIntact();
    }

    @Test
    void outOfMemoryIsAnOrdinaryZero() {
        HeapStats before = h.heap.stats();
        assertEquals(0, h.heap.kmalloc(64L << 20, 1));
        assertEquals(0, h.heap.kmalloc(1L << 40, 1));
        assertEquals(before, h.heap.stats());
        h.assertIntact();
        assertTrue(h.frames.check().isOk(), "frames of a failed growth go back");
        assertTrue(h.vm.check().isOk(), "pages of a failed growth are unmapped");
        assertNotEquals(0, h.heap.kmalloc(8192, 1), "the heap still grows after a failed growth");
    }

    @Test
    void aNewInstanceReattachesWithEveryLiveBlock() {
        long a = h.heap.kmalloc(100, 1);
        long b = h.heap.kmalloc(9000, 2);
        h.fill(a, 100, 0x61);
        h.fill(b, 9000, 0x62);
        HeapStats stats = h.heap.stats();
        KernelHeapService again = h.restart();
        assertTrue(again.attached());
        assertEquals(stats, again.stats());
        assertTrue(again.check().isOk(), again.check().toString());
        h.assertFilled(a, 100, 0x61);
        h.assertFilled(b, 9000, 0x62);
        again.kfree(a);
        assertThrows(IllegalArgumentException.class, () -> again.kfree(a));
        assertEquals(b, again.krealloc(b, 9000, 2));
    }

    @Test
    void aFreshMachineStartsAFreshHeap() {
        assertFalse(h.heap.attached());
        assertTrue(h.machine.anchors().get(HeapControl.ANCHOR).isPresent());
    }

    @Test
    void theFrameworkInstanceStampsBlocksWithItsClockThreadAndStopsItWhenDeactivated() throws Exception {
        KernelHeapService framework = new KernelHeapService(h.machine, h.frames, h.vm, java.util.Map.of());
        assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("heap clock")));
        long a = framework.kmalloc(8, 1);
        long[] age = {-1};
        framework.forEachBlock(b -> {
            if (b.address() == a) {
                age[0] = b.ageMillis();
            }
        });
        assertTrue(age[0] >= 0 && age[0] < 60_000, "age " + age[0]);
        framework.deactivate();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("heap clock"))
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("heap clock")));
    }

    @Test
    void kreallocOfTheLastBlockGrowsTheHeapUnderIt() {
        h.heap.kmalloc(100, 1);
        long last = h.heap.kmalloc(3000, 1);
        h.fill(last, 3000, 0x77);
        assertEquals(last, h.heap.krealloc(last, 20_000, 1), "the heap grew under the block");
        h.assertFilled(last, 3000, 0x77);
        h.assertIntact();
    }

    @Test
    void theWildernessServesOnlyWhenNoOtherFreeBlockFits() {
        KernelHeapService heap = BootedHeap.withoutQuarantine().heap;
        Installed.install(heap, "best-fit", 10, org.clkernel.heap.bestfit.BestFitStrategy::new);
        long a = heap.kmalloc(1000, 1);
        heap.kmalloc(64, 1);
        heap.kmalloc(2700, 1); // leaves a free top of 264 bytes in the first page
        heap.kfree(a);
        assertEquals(a, heap.kmalloc(150, 1), "best fit would have taken the smaller top block; the hole serves");
        assertTrue(heap.check().isOk(), heap.check().toString());
    }
}
