package org.clkernel.paging.space;

import static org.clkernel.api.x86.PageFaultError.P;
import static org.clkernel.api.x86.PageFaultError.US;
import static org.clkernel.api.x86.PageFaultError.WR;
import static org.clkernel.paging.space.Booted.assertFaults;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.clkernel.api.machine.AccessKind;
import org.clkernel.api.machine.CpuContext;
import org.clkernel.api.paging.Prot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** map, unmap, protect and physical in user spaces, seen through CPU contexts. */
class MappingTest {
    static final long VA = 0x00400000L;
    static final int RWU = Prot.WRITE | Prot.USER;

    final Booted b = new Booted();
    final ExecutorService otherThread = Executors.newSingleThreadExecutor();

    /** Maps a fresh frame at va in the actor's space, made if need be. @return the frame */
    long mapped(int actor, long va, int prot) {
        if (b.vm.space(actor).isEmpty()) {
            b.vm.createSpace(actor);
        }
        long pa = b.frame(9);
        b.vm.map(actor, va, pa, prot);
        return pa;
    }

    @AfterEach
    void intact() throws Exception {
        otherThread.shutdown();
        assertTrue(otherThread.awaitTermination(10, TimeUnit.SECONDS));
        b.assertIntact();
    }

    @Test
    void aMappedPageIsReachedThroughAContextAtItsFrame() {
        long pa = mapped(1, VA, RWU);
        CpuContext cpu = b.run("cpu", 1, 3);
        cpu.write32(VA + 0x10, 0xC0FFEE);
        assertEquals(0xC0FFEE, b.machine.physical().read32(pa + 0x10));
        assertEquals(pa + 0x10, cpu.translate(VA + 0x10, AccessKind.READ));
    }

    @Test
    void physicalWalksTheSpaceInSoftware() {
        long pa = mapped(1, VA, RWU);
        assertEquals(OptionalLong.of(pa + 0x123), b.vm.physical(1, VA + 0x123));
        assertEquals(OptionalLong.empty(), b.vm.physical(1, VA + 0x1000));
        assertEquals(OptionalLong.of(0x5678), b.vm.physical(1, 0xC0005678L), "the kernel half's direct map");
    }

    @Test
    void unmappedPageFaultsAlthoughTheTlbHeldItsTranslation() {
        long pa = mapped(1, VA, RWU);
        CpuContext cpu = b.run("cpu", 1, 3);
        cpu.read32(VA);
        assertTrue(cpu.tlbEntries().stream().anyMatch(e -> e.linearPage() == VA));
        assertEquals(pa, b.vm.unmap(1, VA));
        assertFaults(US, cpu, VA, AccessKind.READ);
    }

    @Test
    void unmappingAPageThatIsNotMappedReturnsMinusOne() {
        b.vm.createSpace(1);
        assertEquals(-1, b.vm.unmap(1, VA));
        b.vm.map(1, VA, b.frame(9), RWU);
        assertEquals(-1, b.vm.unmap(1, VA + 0x1000));
    }

    @Test
    void aPageMadeReadOnlyFaultsOnWriteAlthoughTheTlbHeldItWritable() {
        mapped(1, VA, RWU);
        CpuContext cpu = b.run("cpu", 1, 3);
        cpu.write32(VA, 1);
        assertEquals(1, b.vm.protect(1, VA, 4096, Prot.USER));
        assertFaults(P | WR | US, cpu, VA, AccessKind.WRITE);
        assertEquals(1, cpu.read32(VA));
    }

    @Test
    void aWriteProtectedPageFaultsForTheKernelTooUnderCr0Wp() {
        mapped(1, VA, Prot.USER);
        CpuContext cpu = b.run("cpu", 1, 0);
        assertEquals(0, cpu.read32(VA));
        assertFaults(P | WR, cpu, VA, AccessKind.WRITE);
    }

    @Test
    void rightsAddedByProtectNeedNoShootdown() {
        mapped(1, VA, Prot.USER);
        CpuContext cpu = b.run("cpu", 1, 3);
        cpu.read32(VA);
        b.vm.protect(1, VA, 4096, RWU);
        cpu.write32(VA, 7); // the stale read-only entry faults once; the handler sees the new rights and retries
        assertEquals(7, cpu.read32(VA));
        assertEquals(0, b.vm.counters(1).tlbShootdowns());
    }

    @Test
    void twoActorsAreIsolated() {
        long one = mapped(1, VA, RWU);
        long two = mapped(2, VA, RWU);
        mapped(1, VA + 0x1000, RWU);
        CpuContext first = b.run("first", 1, 3);
        CpuContext second = b.run("second", 2, 3);
        first.write32(VA, 1);
        second.write32(VA, 2);
        assertEquals(1, b.machine.physical().read32(one));
        assertEquals(2, b.machine.physical().read32(two));
        assertFaults(US, second, VA + 0x1000, AccessKind.READ);
    }

    @Test
    void aContextSwitchedToAnotherSpaceNoLongerSeesTheFirst() {
        mapped(1, VA, RWU);
        b.vm.createSpace(2);
        CpuContext cpu = b.run("cpu", 1, 3);
        cpu.read32(VA);
        b.vm.activate(cpu, 2);
        assertFaults(US, cpu, VA, AccessKind.READ);
    }

    @Test
    void unmapIsShotDownInEveryContextRunningTheSpaceOnItsOwnThread() throws Exception {
        mapped(1, VA, RWU);
        CpuContext here = b.run("here", 1, 3);
        CpuContext there = otherThread.submit(() -> b.run("there", 1, 3)).get();
        here.read32(VA);
        otherThread.submit(() -> there.read32(VA)).get();
        b.vm.unmap(1, VA);
        assertFaults(US, here, VA, AccessKind.READ);
        otherThread.submit(() -> assertFaults(US, there, VA, AccessKind.READ)).get();
        assertEquals(2, b.vm.counters(1).tlbShootdowns());
    }

    @Test
    void contextsRunningOtherSpacesGetNoShootdown() {
        mapped(1, VA, RWU);
        b.vm.createSpace(2);
        b.run("one", 1, 3);
        b.run("two", 2, 3);
        b.vm.unmap(1, VA);
        assertEquals(1, b.vm.counters(1).tlbShootdowns());
        assertEquals(0, b.vm.counters(2).tlbShootdowns());
    }

    @Test
    void mappingAPageThatIsMappedIsRefused() {
        mapped(1, VA, RWU);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.vm.map(1, VA, b.frame(9), RWU));
        assertTrue(e.getMessage().startsWith("0x00400000 is mapped already"), e.getMessage());
    }

    @Test
    void aUserActorMapsOnlyInTheUserHalfAndOnlyWithUser() {
        b.vm.createSpace(1);
        long pa = b.frame(9);
        assertThrows(IllegalArgumentException.class, () -> b.vm.map(1, 0xC0000000L, pa, RWU));
        assertThrows(IllegalArgumentException.class, () -> b.vm.map(1, 0xBFFFF000L, pa, Prot.WRITE));
        assertThrows(IllegalArgumentException.class, () -> b.vm.map(1, VA + 1, pa, RWU));
        assertThrows(IllegalArgumentException.class, () -> b.vm.map(1, VA, pa + 1, RWU));
        assertThrows(IllegalArgumentException.class, () -> b.vm.map(2, VA, pa, RWU), "actor 2 has no space");
        b.vm.map(1, 0xBFFFF000L, pa, RWU);
    }

    @Test
    void protectCountsOnlyMappedPagesThatChange() {
        mapped(1, VA, RWU);
        mapped(1, VA + 0x2000, Prot.USER);
        mapped(1, VA + 0x800000, RWU); // two tables further on
        assertEquals(2, b.vm.protect(1, VA, 0x801000, Prot.USER));
    }
}
