package org.clkernel.machine;

import static org.clkernel.api.x86.Paging.G;
import static org.clkernel.machine.MmuTest.DIRECTORY;
import static org.clkernel.machine.MmuTest.FRAME;
import static org.clkernel.machine.MmuTest.OTHER_FRAME;
import static org.clkernel.machine.MmuTest.TABLE;
import static org.clkernel.machine.MmuTest.VA;
import static org.clkernel.api.x86.Paging.P;
import static org.clkernel.api.x86.Paging.PS;
import static org.clkernel.api.x86.Paging.RW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.clkernel.api.machine.AccessKind;
import org.clkernel.api.machine.CpuContext;
import org.clkernel.api.machine.MmuCounters;
import org.clkernel.api.machine.PageFaultException;
import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.x86.Cr0;
import org.clkernel.api.x86.Cr4;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TLB shootdowns: invalidations asked for from another thread, applied by the context itself. */
class ShootdownTest {
    final CpuContext cpu = new EmulatedMachine(16, 64).context("t");
    final PhysicalMemory ram = cpu.physical();

    @BeforeEach
    void pagingOnWithVaMapped() {
        cpu.setCr3((int) DIRECTORY);
        cpu.setCr0(Cr0.PE | Cr0.PG);
        ram.write32(MmuTest.pdeAddress(DIRECTORY, VA), (int) TABLE | P | RW);
        setPte(VA, FRAME, RW);
    }

    void setPte(long va, long frame, int flags) {
        ram.write32(MmuTest.pteAddress(va), frame == 0 ? 0 : (int) frame | P | flags);
    }

    static void fromAnotherThread(Runnable r) throws Exception {
        CompletableFuture.runAsync(r).get(10, TimeUnit.SECONDS);
    }

    @Test
    void requestedInvalidationIsAppliedBeforeTheNextAccess() throws Exception {
        cpu.write32(VA, 1);
        setPte(VA, OTHER_FRAME, RW);
        fromAnotherThread(() -> cpu.requestInvlpg(VA));
        cpu.write32(VA, 2);
        assertEquals(2, ram.read32(OTHER_FRAME));
        assertEquals(1, ram.read32(FRAME));
    }

    @Test
    void removedMappingFaultsAfterTheRequestEvenOnTheFastPath() throws Exception {
        cpu.read32(VA);
        setPte(VA, 0, 0);
        fromAnotherThread(() -> cpu.requestInvlpg(VA));
        assertEquals(0, assertThrows(PageFaultException.class, () -> cpu.read8(VA)).errorCode());
    }

    @Test
    void aRequestWaitsForTheContextAndCountsAsInvlpgWhenApplied() throws Exception {
        cpu.read32(VA);
        fromAnotherThread(() -> cpu.requestInvlpg(VA));
        assertEquals(0, cpu.counters().invlpgs());
        cpu.read32(VA + 4);
        MmuCounters after = cpu.counters();
        assertEquals(1, after.invlpgs());
        assertEquals(2, after.tlbMisses(), "the entry was dropped, so the second read walked again");
    }

    @Test
    void requestInALargePageDropsEveryPieceOfIt() throws Exception {
        cpu.setCr4(Cr4.PSE);
        long large = 0x00800000L;
        ram.write32(DIRECTORY + 4 * (large >>> 22), (int) large | P | PS | RW);
        cpu.read32(large);
        cpu.read32(large + 0x5000);
        fromAnotherThread(() -> cpu.requestInvlpg(large + 0x3FF000));
        assertTrue(cpu.tlbEntries().stream().noneMatch(e -> e.largePage()));
    }

    @Test
    void requestedFlushDropsGlobalEntries() throws Exception {
        cpu.setCr4(Cr4.PGE);
        setPte(VA, FRAME, RW | G);
        cpu.read32(VA);
        long flushes = cpu.counters().tlbFlushes();
        fromAnotherThread(cpu::requestFlush);
        assertTrue(cpu.tlbEntries().isEmpty());
        assertEquals(flushes + 1, cpu.counters().tlbFlushes());
    }

    @Test
    void tooManyRequestsBecomeOneWholeFlush() throws Exception {
        cpu.read32(VA);
        long flushes = cpu.counters().tlbFlushes();
        fromAnotherThread(() -> {
            for (int i = 0; i <= PendingInvalidations.CAPACITY; i++) {
                cpu.requestInvlpg(0x10000000L + ((long) i << 12));
            }
        });
        assertTrue(cpu.tlbEntries().isEmpty());
        assertEquals(flushes + 1, cpu.counters().tlbFlushes());
        assertEquals(0, cpu.counters().invlpgs());
    }

    @Test
    void requestOfAnAddressOutsideTheLinearSpaceIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> cpu.requestInvlpg(1L << 32));
    }

    /**
     * A context reads in a loop on its own thread while this thread remaps the page and shoots it
     * down, round after round: once the reader is told a round is done (a happens-before edge after
     * the request), it never again reads the old frame.
     */
    @Test
    void aContextRunningOnAnotherThreadNeverUsesAnEntryShotDownBeforeItWasTold() throws Exception {
        int rounds = 2000;
        AtomicInteger round = new AtomicInteger();
        ram.write32(FRAME, 0);
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            int seen = 0;
            while (seen < rounds) {
                int told = round.get();
                int value = cpu.read32(VA);
                if (value < told) {
                    throw new AssertionError("read round " + value + " after being told of round " + told);
                }
                seen = value;
            }
        });
        for (int r = 1; r <= rounds; r++) {
            long frame = (r & 1) == 1 ? OTHER_FRAME : FRAME;
            ram.write32(frame, r);
            setPte(VA, frame, RW);
            cpu.requestInvlpg(VA);
            round.set(r);
        }
        reader.get(60, TimeUnit.SECONDS);
        cpu.translate(VA, AccessKind.READ);
    }
}
