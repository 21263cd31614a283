package org.clkernel.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.clkernel.actor.ActorTable;
import org.clkernel.api.CheckResult;
import org.clkernel.api.actor.Actor;
import org.clkernel.api.heap.KernelHeap.ActorHeapStats;
import org.clkernel.api.heap.KernelHeap.BlockInfo;
import org.clkernel.api.heap.KernelHeap.BlockState;
import org.clkernel.api.heap.KernelHeap.HeapChecks;
import org.clkernel.api.heap.KernelHeap.HeapStats;
import org.junit.jupiter.api.Test;

/** The heap's checks (quarantine, poison, zero on free, canary), aligned and actor allocation, sites, statistics. */
class HeapChecksTest {
    private final BootedHeap h = new BootedHeap();

    @Test
    void aFreedBlockWaitsPoisonedInQuarantineAndIsNotReused() {
        long a = h.heap.kmalloc(100, 1);
        h.fill(a, 100, 0x11);
        long usable = h.heap.usableSize(a);
        h.heap.kfree(a);
        h.assertFilled(a, usable, 0x6B);
        assertNotEquals(a, h.heap.kmalloc(100, 1), "the quarantine delays reuse");
        HeapStats stats = h.heap.stats();
        assertEquals(1, stats.quarantinedBlocks());
        assertEquals(120, stats.quarantinedBytes(), "100 bytes, the header, rounded to 8");
        h.assertIntact();
        assertThrows(IllegalArgumentException.class, () -> h.heap.kfree(a), "a double free of a quarantined block");
        IllegalArgumentException again = assertThrows(IllegalArgumentException.class, () -> h.heap.kfree(a));
        assertTrue(again.getMessage().contains("in quarantine"), again.getMessage());
    }

    @Test
    void aWriteAfterFreeIsCaughtByTheCheckAndWhenTheBlockLeavesQuarantine() {
        h.heap.configure(Map.of("quarantine.bytes", "1024"));
        long victim = h.heap.kmalloc(64, 3, h.heap.site("driver.rx"));
        h.heap.kfree(victim);
        h.memory.write32(victim + 40, 0xBADF00D); // the dangling pointer writes
        CheckResult check = h.heap.check();
        assertFalse(check.isOk());
        assertEquals(String.format("block 0x%x: quarantined, but its poison was overwritten at offset 40 (a write after free)",
                victim - 16), check.firstProblem());
        for (int i = 0; i < 20; i++) { // push it out of the quarantine
            h.heap.kfree(h.heap.kmalloc(100, 1));
        }
        assertEquals(1, h.heap.stats().writesAfterFree());
        String finding = h.heap.findings().get(0);
        assertEquals(String.format("write after free: block 0x%x (owner 3, site driver.rx) was changed at offset 40"
                + " while in quarantine", victim), finding);
        h.assertIntact();
    }

    @Test
    void zeroOnFreeWipesThePayloadBeforeReuse() {
        h.heap.configure(Map.of("poison", "false"));
        long a = h.heap.kmalloc(200, 1);
        h.fill(a, 200, 0xEE);
        h.heap.kfree(a);
        h.assertFilled(a, 200, 0);
        long b = h.heap.kmalloc(200, 1);
        assertEquals(a, b);
        h.assertFilled(b, 200, 0);
    }

    @Test
    void withoutZeroOnFreeTheOldBytesStay() {
        h.heap.configure(Map.of("poison", "false", "zero.on.free", "false"));
        long a = h.heap.kmalloc(200, 1);
        h.fill(a, 200, 0xEE);
        h.heap.kfree(a);
        h.assertFilled(a, 100, 0xEE);
    }

    @Test
    void turningThePoisonOffEmptiesTheQuarantine() {
        List<Long> blocks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            blocks.add(h.heap.kmalloc(300, 1));
        }
        blocks.forEach(h.heap::kfree);
        assertEquals(10, h.heap.stats().quarantinedBlocks());
        h.heap.configure(Map.of("poison", "false"));
        assertEquals(0, h.heap.stats().quarantinedBlocks());
        assertEquals(1, h.heap.stats().freeBlocks(), "every freed block merged back");
        h.assertIntact();
    }

    @Test
    void theQuarantineSurvivesARestartOldestFirst() {
        h.heap.configure(Map.of("quarantine.bytes", "4096"));
        long a = h.heap.kmalloc(1000, 1);
        long b = h.heap.kmalloc(1000, 1);
        h.heap.kmalloc(8, 1);
        h.heap.kfree(a);
        h.heap.kfree(b);
        KernelHeapService again = h.restart();
        again.configure(Map.of("quarantine.bytes", "1500"));
        assertEquals(1, again.stats().quarantinedBlocks(), "the oldest, a, left first");
        List<BlockInfo> held = new ArrayList<>();
        again.forEachBlock(i -> {
            if (i.state() == BlockState.QUARANTINED) {
                held.add(i);
            }
        });
        assertEquals(b, held.get(0).address());
        h.assertIntact();
    }

    @Test
    void badConfigurationValuesKeepTheOldSettings() {
        h.heap.configure(Map.of("poison", "maybe", "quarantine.bytes", "-5", "check.canary", "false"));
        assertEquals(new HeapChecks(false, true, HeapChecks.DEFAULTS.quarantineBytes(), true), h.heap.checks());
    }

    @Test
    void withoutTheCanaryCheckABrokenCanaryIsNotRefused() {
        h.heap.configure(Map.of("check.canary", "false", "poison", "false"));
        long a = h.heap.kmalloc(64, 1);
        h.memory.write32(a - 12, 0x12345678);
        h.heap.kfree(a);
        assertEquals(0, h.heap.stats().blocks());
    }

    @Test
    void alignedBlocksAreAlignedAndTheRestIsGivenBack() {
        h.heap.kmalloc(24, 1); // puts the next free block off any large alignment
        for (long alignment : new long[] {16, 32, 64, 256, 4096}) {
            long a = h.heap.kmallocAligned(100, alignment, 2);
            assertEquals(0, a % alignment, "aligned to " + alignment);
            assertTrue(h.heap.usableSize(a) < 100 + BlockTags.MIN_BLOCK + BlockTags.ALIGN, "the tail was cut off");
            h.fill(a, 100, 0x42);
        }
        h.assertIntact();
        assertEquals(5 * 100 + 24, h.heap.stats().currentBytes());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> h.heap.kmallocAligned(8, 48, 1));
        assertEquals("kmallocAligned: alignment 48 is not a power of two from 8 to 4096", bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> h.heap.kmallocAligned(8, 8192, 1));
    }

    @Test
    void actorAllocationKeepsToTheQuotaAndOnlyTheOwnerFrees() {
        ActorTable actors = new ActorTable(h.machine, h.frames);
        h.heap.setActors(actors);
        Actor net = actors.create("net", 16, 1000);
        long a = h.heap.actorMalloc(600, net.id());
        assertNotEquals(0, a);
        assertEquals(0, h.heap.actorMalloc(401, net.id()), "600 + 401 is over the quota of 1000");
        long b = h.heap.actorMalloc(400, net.id());
        assertNotEquals(0, b);
        IllegalArgumentException notOwner = assertThrows(IllegalArgumentException.class, () -> h.heap.actorFree(a, 0));
        assertEquals(String.format("actorFree(0x%x): the block belongs to actor %d, not 0", a, net.id()), notOwner.getMessage());
        h.heap.actorFree(a, net.id());
        assertEquals(new ActorHeapStats(net.id(), 400, 1000, 1000, 1), h.heap.actorStats(net.id()));
        assertThrows(IllegalArgumentException.class, () -> h.heap.actorMalloc(8, 77), "no actor 77");
        h.heap.setActors(null);
        assertThrows(IllegalStateException.class, () -> h.heap.actorMalloc(8, net.id()));
        h.assertIntact();
    }

    @Test
    void sitesAndTimesAreKeptInTheHeader() {
        int site = h.heap.site("vfs.inode");
        assertEquals(site, h.heap.site("vfs.inode"), "one id a name");
        assertEquals("vfs.inode", h.heap.siteName(site));
        long a = h.heap.kmalloc(40, 7, site);
        List<BlockInfo> used = new ArrayList<>();
        h.heap.forEachBlock(i -> {
            if (i.state() == BlockState.USED) {
                used.add(i);
            }
        });
        assertEquals(1, used.size());
        BlockInfo info = used.get(0);
        assertEquals(a, info.address());
        assertEquals(7, info.owner());
        assertEquals(site, info.site());
        assertEquals(40, info.requested());
        assertTrue(info.ageMillis() < 60_000);
        assertThrows(IllegalArgumentException.class, () -> h.heap.site("has space"));
        assertThrows(IllegalArgumentException.class, () -> h.heap.kmalloc(8, 1, 500));
    }

    @Test
    void perActorStatisticsFollowEveryCall() {
        long a = h.heap.kmalloc(100, 4);
        long b = h.heap.kmalloc(50, 4);
        h.heap.kmalloc(10, 9);
        b = h.heap.krealloc(b, 70, 4); // moves: the block after it is taken; 100 + 50 + 70 live for a moment
        h.heap.kfree(a);
        assertEquals(new ActorHeapStats(4, 70, 220, 220, 1), h.heap.actorStats(4));
        assertEquals(List.of(4, 9), h.heap.actorStats().stream().map(ActorHeapStats::actor).toList());
        h.assertIntact();
        assertEquals(new ActorHeapStats(4, 70, 220, 220, 1), h.restart().actorStats(4), "kept in the heap's memory");
    }

    @Test
    void theCheckNamesACounterThatDisagreesWithTheBlocks() {
        long a = h.heap.kmalloc(100, 4);
        h.memory.write32(a - 8, (h.memory.read32(a - 8) & ~0xFFF) | 5); // the header now names actor 5
        CheckResult check = h.heap.check();
        assertEquals("actor 4: statistics say 1 blocks of 100 bytes, the walk found 0 of 0", check.firstProblem());
    }

    @Test
    void statisticsReportFreeMemoryAndFragmentation() {
        h.heap.configure(Map.of("poison", "false"));
        List<Long> blocks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            blocks.add(h.heap.kmalloc(200, 1));
        }
        h.heap.kfree(blocks.get(1));
        h.heap.kfree(blocks.get(3));
        HeapStats stats = h.heap.stats();
        assertEquals(3, stats.freeBlocks(), "two holes and the tail");
        assertTrue(stats.fragmentation() > 0 && stats.fragmentation() < 1, String.valueOf(stats.fragmentation()));
        assertEquals(stats.freeBytes() + 6 * 216 + stats.quarantinedBytes(), stats.heapBytes() - 16);
    }
}
