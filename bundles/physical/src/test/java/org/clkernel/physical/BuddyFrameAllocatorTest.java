package org.clkernel.physical;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.clkernel.api.CheckResult;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.physical.Gfp;
import org.clkernel.api.physical.ZoneStats;
import org.clkernel.machine.EmulatedMachine;
import org.junit.jupiter.api.Test;

class BuddyFrameAllocatorTest {
    private final EmulatedMachine machine = new EmulatedMachine(128);
    private final BuddyFrameAllocator frames = new BuddyFrameAllocator(machine);

    private void assertIntact() {
        CheckResult check = frames.check();
        assertTrue(check.isOk(), check.toString());
    }

    @Test
    void managesUsableMemoryAboveItsOwnDescriptors() {
        // 128 MiB less 64 KiB of ACPI data: 32752 frames spanned, 16 bytes each from 0x201000.
        assertEquals(32752, frames.spannedFrames());
        long firstFree = (0x201000L + 32752L * 16 + 4095) >>> 12;
        List<ZoneStats> zones = frames.zones();
        assertEquals(4096 - firstFree, zones.get(0).managedFrames(), "DMA zone: from the first free frame to 16 MiB");
        assertEquals(32752 - 4096, zones.get(1).managedFrames(), "Normal zone: 16 MiB to the ACPI data");
        assertEquals(firstFree, frames.reservedFrames());
        assertEquals(zones.get(0).managedFrames(), zones.get(0).freeFrames());
        assertTrue(frames.detectionReport().isEmpty(), frames.detectionReport().toString());
        assertIntact();
    }

    @Test
    void allocatedBlocksAreAlignedAndDisjoint() {
        List<long[]> blocks = new ArrayList<>();
        for (int order = 0; order <= FrameAllocator.MAX_ORDER; order++) {
            long pfn = frames.allocate(order, 1, Gfp.NONE);
            assertTrue(pfn >= 0);
            assertEquals(0, pfn & ((1L << order) - 1), "order " + order + " block aligned");
            for (long[] b : blocks) {
                assertTrue(pfn + (1L << order) <= b[0] || b[0] + b[1] <= pfn, "blocks overlap");
            }
            blocks.add(new long[] {pfn, 1L << order});
        }
        assertEquals(2047, frames.framesOwned(1));
        assertIntact();
    }

    @Test
    void freeingABlockTwiceIsRefusedAndChangesNothing() {
        long pfn = frames.allocate(2, 1, Gfp.NONE);
        frames.free(pfn, 2, 1);
        List<ZoneStats> before = frames.zones();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> frames.free(pfn, 2, 1));
        assertTrue(e.getMessage().contains("is not the start of an allocated block (it is free)"), e.getMessage());
        assertSameFreeLists(before, frames.zones());
        assertIntact();
    }

    @Test
    void freeingWithTheWrongOrderOrOwnerIsRefused() {
        long pfn = frames.allocate(3, 5, Gfp.NONE);
        assertEquals("the block at frame 0x" + Long.toHexString(pfn) + String.format(" (0x%08x) has order 3, not 2", pfn << 12),
                assertThrows(IllegalArgumentException.class, () -> frames.free(pfn, 2, 5)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> frames.free(pfn, 3, 6)).getMessage()
                .endsWith("belongs to actor 5, not 6"));
        assertThrows(IllegalArgumentException.class, () -> frames.free(pfn + 1, 0, 5));
        assertEquals(8, frames.framesOwned(5));
        frames.free(pfn, 3, 5);
        assertIntact();
    }

    @Test
    void dmaRequestsAreServedBelowSixteenMegabytes() {
        for (int i = 0; i < 50; i++) {
            long pfn = frames.allocate(1, 1, Gfp.DMA);
            assertTrue(pfn >= 0 && pfn + 2 <= 4096, "pfn " + pfn);
        }
        long normal = frames.allocate(0, 1, Gfp.NONE);
        assertTrue(normal >= 4096, "ordinary requests prefer the Normal zone");
    }

    @Test
    void runningOutOfMemoryIsAnOrdinaryResult() {
        while (frames.allocate(FrameAllocator.MAX_ORDER, 1, Gfp.NONE) >= 0) {
            // take every 4 MiB block
        }
        long small = 0;
        while (frames.allocate(0, 1, Gfp.NONE) >= 0) {
            small++;
        }
        assertEquals(FrameAllocator.NO_MEMORY, frames.allocate(0, 1, Gfp.NONE));
        assertTrue(small > 0, "smaller blocks were still there");
        assertEquals(0, frames.zones().stream().mapToLong(ZoneStats::freeFrames).sum());
        assertIntact();
    }

    @Test
    void quotaLimitsAnOwnersFrames() {
        frames.setQuota(owner -> owner == 7 ? 4 : 0);
        assertTrue(frames.allocate(1, 7, Gfp.NONE) >= 0);
        assertTrue(frames.allocate(1, 7, Gfp.NONE) >= 0);
        assertEquals(FrameAllocator.OVER_QUOTA, frames.allocate(0, 7, Gfp.NONE));
        assertTrue(frames.allocate(5, 8, Gfp.NONE) >= 0, "another owner is unlimited");
    }

    @Test
    void zeroFlagClearsTheFrames() {
        long pfn = frames.allocate(0, 1, Gfp.NONE);
        machine.physical().write32(pfn << 12, 0xDEADBEEF);
        frames.free(pfn, 0, 1);
        long again = frames.allocate(0, 1, Gfp.ZERO);
        assertEquals(pfn, again, "the cache hands back the frame just freed");
        assertEquals(0, machine.physical().read32(again << 12));
    }

    @Test
    void aNewInstanceReattachesAndKeepsEveryAllocation() {
        long a = frames.allocate(0, 3, Gfp.NONE);
        long b = frames.allocate(4, 4, Gfp.NONE);
        frames.free(frames.allocate(0, 3, Gfp.NONE), 0, 3); // leaves a frame in the cache
        BuddyFrameAllocator again = new BuddyFrameAllocator(machine);
        assertTrue(again.attached());
        assertEquals(new FrameAllocator.Block(a, 0, 3), again.block(a));
        assertEquals(new FrameAllocator.Block(b, 4, 4), again.block(b));
        assertEquals(1, again.framesOwned(3));
        assertEquals(16, again.framesOwned(4));
        CheckResult check = again.check();
        assertTrue(check.isOk(), check.toString());
        again.free(b, 4, 4);
        assertNull(again.block(b));
    }

    @Test
    void freeingEverythingCoalescesBackToTheInitialLists() {
        frames.drainCaches();
        List<ZoneStats> initial = frames.zones();
        List<long[]> held = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            int order = i % 4;
            held.add(new long[] {frames.allocate(order, 1 + i % 3, Gfp.NONE), order, 1 + i % 3});
        }
        for (long[] h : held) {
            frames.free(h[0], (int) h[1], (int) h[2]);
        }
        frames.drainCaches();
        assertSameFreeLists(initial, frames.zones());
        assertIntact();
    }

    @Test
    void releaseAllFreesEveryBlockOfAnOwner() {
        frames.allocate(2, 9, Gfp.NONE);
        frames.allocate(0, 9, Gfp.NONE);
        long kept = frames.allocate(0, 10, Gfp.NONE);
        assertEquals(5, frames.releaseAll(9));
        assertEquals(0, frames.framesOwned(9));
        assertNotNull(frames.block(kept));
        assertIntact();
    }

    @Test
    void checkNamesACorruptedDescriptor() {
        long pfn = frames.allocate(3, 1, Gfp.NONE);
        machine.physical().write32(FrameTable.descriptor(pfn + 2), FrameTable.info(FrameTable.FREE, 0, 1));
        CheckResult check = frames.check();
        assertTrue(!check.isOk() && check.firstProblem().contains("frame 0x" + Long.toHexString(pfn + 2)), check.toString());
    }

    private static void assertSameFreeLists(List<ZoneStats> expected, List<ZoneStats> actual) {
        for (int z = 0; z < expected.size(); z++) {
            assertArrayEquals(expected.get(z).freeBlocks(), actual.get(z).freeBlocks(), "zone " + z);
            assertEquals(expected.get(z).freeFrames(), actual.get(z).freeFrames());
        }
    }
}
