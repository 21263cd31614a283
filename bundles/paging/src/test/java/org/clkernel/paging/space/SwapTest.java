package org.clkernel.paging.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.clkernel.api.CheckResult;
import org.clkernel.api.machine.CpuContext;
import org.clkernel.api.paging.PagingCounters;
import org.clkernel.api.paging.Prot;
import org.clkernel.api.paging.VirtualMemory;
import org.clkernel.api.physical.FrameQuota;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Demand paging with swap: eviction, write-back, swap-in, limits, counters, policies. */
class SwapTest {
    static final long VA = 0x10000000L;
    static final int RWU = Prot.WRITE | Prot.USER;
    static final int PAGES = 64;

    final Booted b = new Booted();
    CpuContext cpu;
    /** The service now: a restart replaces it. */
    VirtualMemoryService vm = b.vm;

    SwapTest() {
        b.vm.createSpace(1);
        b.vm.reserve(1, VA, PAGES * 4096L, RWU);
        cpu = b.run("cpu", 1, 3);
    }

    @AfterEach
    void intact() {
        CheckResult paging = vm.check();
        assertTrue(paging.isOk(), paging.toString());
        CheckResult physical = b.frames.check();
        assertTrue(physical.isOk(), physical.toString());
    }

    static long va(int page) {
        return VA + page * 4096L;
    }

    static int value(int page) {
        return 0x5A000000 | page * 31 + 7;
    }

    void writeAll(int pages) {
        for (int p = 0; p < pages; p++) {
            cpu.write32(va(p) + 4 * (p % 1000), value(p));
        }
    }

    void assertAll(int pages) {
        for (int p = 0; p < pages; p++) {
            assertEquals(value(p), cpu.read32(va(p) + 4 * (p % 1000)), "page " + p);
        }
    }

    @Test
    void aPageStillHoldingItsZerosLeavesWithoutASwapWriteAndComesBackAsAMinorFault() {
        vm.setResidentLimit(1, 2);
        for (int p = 0; p < 6; p++) {
            assertEquals(0, cpu.read32(va(p)), "page " + p + " reads zero");
        }
        assertEquals(0, vm.counters(1).swapOuts(), "read-only zero pages are dropped, not written");
        assertEquals(0, vm.swapUsage().used());
        assertEquals(0, cpu.read32(va(0)), "the first page again");
        assertEquals(7, vm.counters(1).minorFaults(), "its second touch zero-fills again");
        assertEquals(0, vm.counters(1).majorFaults());
    }

    @Test
    void aZeroFilledPageThatWasWrittenGoesToSwap() {
        vm.setResidentLimit(1, 1);
        cpu.write32(va(0), 0); // writes a zero, but writes: D is set, so it is kept
        cpu.read32(va(1));
        assertEquals(1, vm.counters(1).swapOuts());
        assertEquals(0, cpu.read32(va(0)));
        assertEquals(1, vm.counters(1).majorFaults());
    }

    @Test
    void aDirtyPageIsWrittenBackAndReadBackIntactAfterEviction() {
        b.vm.setResidentLimit(1, 4);
        writeAll(5);
        assertEquals(1, b.vm.counters(1).swapOuts());
        assertFalse(b.vm.physical(1, va(0)).isPresent(), "the first page in is the built-in FIFO's victim");
        assertEquals(value(0), cpu.read32(va(0)));
        PagingCounters c = b.vm.counters(1);
        assertEquals(1, c.majorFaults());
        assertEquals(1, c.swapIns());
        assertEquals(4, b.vm.residentPages(1));
    }

    @Test
    void aCleanPageWithASwapCopyIsDroppedWithoutAWrite() {
        b.vm.setResidentLimit(1, 1);
        writeAll(2); // page 0 goes out
        assertEquals(value(0), cpu.read32(va(0))); // page 1 goes out, page 0 comes back clean
        long writes = b.machine.swap().writes();
        assertEquals(2, b.vm.counters(1).swapOuts());
        assertEquals(value(1), cpu.read32(va(1) + 4)); // page 0 leaves: clean, its slot holds it
        assertEquals(writes, b.machine.swap().writes());
        assertEquals(2, b.vm.counters(1).swapOuts());
        assertEquals(value(0), cpu.read32(va(0)));
        assertEquals(2, b.vm.swapUsage().used());
    }

    @Test
    void aPageWrittenAfterItsSwapInIsWrittenAgain() {
        b.vm.setResidentLimit(1, 1);
        writeAll(2);
        cpu.write32(va(0), 99); // swapped in, then dirtied
        cpu.read32(va(1));
        assertEquals(3, b.vm.counters(1).swapOuts());
        assertEquals(99, cpu.read32(va(0)));
    }

    @Test
    void theFrameQuotaHoldsWhileASpaceTouchesFourTimesItsLimit() {
        FrameQuota quota = owner -> owner == 1 ? 16 : 0;
        b.frames.setQuota(quota);
        b.vm.setQuota(quota);
        assertEquals(16, b.vm.residentLimit(1));
        for (int p = 0; p < PAGES; p++) {
            cpu.write32(va(p) + 4 * (p % 1000), value(p));
            assertTrue(b.frames.framesOwned(1) <= 16, "frames of the actor: " + b.frames.framesOwned(1));
            assertTrue(b.vm.residentPages(1) <= 16);
        }
        assertAll(PAGES);
        assertTrue(b.vm.counters(1).swapOuts() >= PAGES - 16);
    }

    @Test
    void anUnlimitedSpaceEvictsOnlyWhenTheAllocatorRefuses() {
        assertEquals(0, b.vm.residentLimit(1));
        writeAll(PAGES);
        assertEquals(PAGES, b.vm.residentPages(1));
        assertEquals(0, b.vm.counters(1).swapOuts());
    }

    @Test
    void theCountersAddUp() {
        b.vm.setResidentLimit(1, 8);
        writeAll(32);
        assertAll(32);
        PagingCounters c = b.vm.counters(1);
        assertEquals(32, c.minorFaults(), "every first touch");
        assertEquals(c.majorFaults(), c.swapIns());
        assertEquals(32, c.majorFaults(), "the second pass finds each page swapped out (FIFO, 8 of 32)");
        long evictions = c.minorFaults() + c.majorFaults() - b.vm.residentPages(1);
        assertEquals(c.swapOuts(), b.machine.swap().writes(), "one device write per swap-out");
        assertEquals(c.swapIns(), b.machine.swap().reads(), "one device read per swap-in");
        assertTrue(c.swapOuts() <= evictions && c.swapOuts() >= 32 - 8, "clean copies leave without a write");
        assertTrue(c.tlbShootdowns() >= evictions, "every eviction shoots its page down");
        assertEquals(c, b.vm.counters(), "the total is this space's: nothing else happened");
    }

    @Test
    void swappingThePolicyMidRunLosesNoResidentPage() {
        b.vm.setResidentLimit(1, 8);
        Policies.clock(b.vm);
        assertEquals("clock", b.vm.policy());
        writeAll(20);
        Policies.lru(b.vm);
        assertEquals("lru", b.vm.policy(), "the better-ranked one is taken greedily");
        assertEquals(8, b.vm.residentPages(1));
        b.assertIntact();
        b.vm.usePolicy("clock");
        assertEquals("clock", b.vm.policy());
        b.assertIntact();
        b.vm.usePolicy(VirtualMemory.BUILTIN_POLICY);
        assertEquals(8, b.vm.residentPages(1));
        b.assertIntact();
        b.vm.usePolicy(null);
        assertEquals("lru", b.vm.policy());
        assertAll(20);
        assertEquals(8, b.vm.residentPages(1));
    }

    @Test
    void aPolicyThatLeavesIsReplacedAndItsPagesKept() {
        b.vm.setResidentLimit(1, 4);
        var lru = Policies.lru(b.vm);
        writeAll(10);
        b.vm.removePolicy(lru);
        assertEquals(VirtualMemory.BUILTIN_POLICY, b.vm.policy());
        assertEquals(4, b.vm.residentPages(1));
        assertAll(10);
    }

    @Test
    void aPolicyThatThrowsFallsBackToFifoAndTheAccessStillSucceeds() {
        b.vm.setResidentLimit(1, 2);
        Policies.install(b.vm, "buggy", 99, Policies.Throwing::new);
        assertEquals("buggy", b.vm.policy());
        writeAll(3);
        assertEquals(VirtualMemory.BUILTIN_POLICY, b.vm.policy());
        assertNotNull(b.vm.lastPolicyProblem());
        assertTrue(b.vm.lastPolicyProblem().contains("buggy"), b.vm.lastPolicyProblem());
        assertAll(3);
    }

    @Test
    void aPagingRestartKeepsSwappedPagesReachable() {
        b.vm.setResidentLimit(1, 4);
        writeAll(12);
        b.vm.deactivate();
        VirtualMemoryService again = new VirtualMemoryService(b.machine, b.frames);
        vm = again;
        assertEquals(4, again.residentPages(1));
        assertEquals(8, again.swapUsage().used());
        for (int p = 0; p < 12; p++) {
            assertEquals(value(p), cpu.read32(va(p) + 4 * p), "page " + p);
        }
        CheckResult check = again.check();
        assertTrue(check.isOk(), check.toString());
    }

    @Test
    void unmapAndDestroyFreeTheSwapSlots() {
        b.vm.setResidentLimit(1, 2);
        writeAll(6);
        assertEquals(4, b.vm.swapUsage().used());
        assertEquals(-1, b.vm.unmap(1, va(0)));
        assertEquals(3, b.vm.swapUsage().used());
        assertEquals(0, cpu.read32(va(0)), "the region gives a fresh zero page");
        b.vm.activate(cpu, 0);
        b.vm.destroySpace(1);
        assertEquals(0, b.vm.swapUsage().used());
        assertEquals(0, b.machine.swap().storedSlots());
    }

    @Test
    void theCheckNamesASwapEntryWhoseSlotIsNotMarkedUsed() {
        b.vm.setResidentLimit(1, 1);
        writeAll(2);
        long directory = b.vm.space(1).orElseThrow().pageDirectory();
        long at = new PageTables(b.machine.physical(), b.frames).pteAddress(directory, va(0));
        int entry = b.machine.physical().read32(at);
        assertTrue(Entries.swapped(entry));
        b.machine.physical().write32(at, Entries.swapEntry(Entries.slot(entry) + 5));
        CheckResult check = b.vm.check();
        assertFalse(check.isOk());
        assertTrue(check.firstProblem().contains("swap slot"), check.toString());
        b.machine.physical().write32(at, entry);
    }
}
