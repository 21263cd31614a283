package org.clkernel.machine;

import static org.clkernel.api.x86.Paging.A;
import static org.clkernel.api.x86.Paging.D;
import static org.clkernel.api.x86.Paging.G;
import static org.clkernel.api.x86.Paging.P;
import static org.clkernel.api.x86.Paging.PS;
import static org.clkernel.api.x86.Paging.RW;
import static org.clkernel.api.x86.Paging.US;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.clkernel.api.machine.AccessKind;
import org.clkernel.api.machine.CpuContext;
import org.clkernel.api.machine.PageFault;
import org.clkernel.api.machine.PageFaultException;
import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.machine.TlbEntry;
import org.clkernel.api.x86.Cr0;
import org.clkernel.api.x86.Cr4;
import org.clkernel.api.x86.PageFaultError;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The MMU rules of DESIGN §2 (Intel SDM vol. 3A §4.3, §4.6-4.8, §4.10), one behaviour per test. */
class MmuTest {
    static final long DIRECTORY = 0x100000L;
    static final long TABLE = 0x101000L;
    static final long OTHER_DIRECTORY = 0x102000L;
    static final long VA = 0x00400000L; // PD index 1, PT index 0
    static final long FRAME = 0x00500000L;
    static final long OTHER_FRAME = 0x00600000L;
    static final long LARGE_FRAME = 0x00800000L;
    static final int PAGING = Cr0.PE | Cr0.PG;

    EmulatedMachine machine;
    CpuContext cpu;
    PhysicalMemory ram;

    @BeforeEach
    void boot() {
        machine = new EmulatedMachine(16, 64);
        cpu = machine.context("t");
        ram = machine.physical();
        cpu.setCr3((int) DIRECTORY);
        cpu.setCr0(PAGING);
    }

    // ---- helpers -------------------------------------------------------------------------------

    static long pdeAddress(long directory, long va) {
        return directory + 4 * (va >>> 22);
    }

    static long pteAddress(long va) {
        return TABLE + 4 * ((va >>> 12) & 0x3FF);
    }

    /** Maps va to a frame through TABLE, with the given PDE and PTE flags (P added to both). */
    void map(long va, long frame, int pdeFlags, int pteFlags) {
        ram.write32(pdeAddress(DIRECTORY, va), (int) TABLE | P | pdeFlags);
        ram.write32(pteAddress(va), (int) frame | P | pteFlags);
    }

    void mapLarge(long va, long frame, int flags) {
        ram.write32(pdeAddress(DIRECTORY, va), (int) frame | P | PS | flags);
    }

    int pde(long va) {
        return ram.read32(pdeAddress(DIRECTORY, va));
    }

    int pte(long va) {
        return ram.read32(pteAddress(va));
    }

    PageFaultException fault(long va, AccessKind kind) {
        return assertThrows(PageFaultException.class, () -> cpu.translate(va, kind));
    }

    // ---- translation and rights ----------------------------------------------------------------

    @Test
    void translatesThroughPdeAndPte() {
        map(VA, FRAME, RW, RW);
        assertEquals(FRAME + 0x123, cpu.translate(VA + 0x123, AccessKind.READ));
    }

    @Test
    void addressesAboveTwoGibAreUnsignedEverywhere() {
        CpuContext high = new EmulatedMachine(3072).context("high");
        PhysicalMemory bus = high.physical();
        long directory = 0xA0000000L;
        long table = 0xA0001000L;
        long frame = 0xB0000000L;
        long va = 0xF0000000L;
        bus.write32(directory + 4 * (va >>> 22), (int) table | P | RW);
        bus.write32(table + 4 * ((va >>> 12) & 0x3FF), (int) frame | P | RW);
        high.setCr3((int) directory);
        high.setCr0(PAGING);
        high.write32(va + 0x10, 0x600DF00D);
        assertEquals(0x600DF00D, bus.read32(frame + 0x10));
        assertEquals(0x600DF00D, high.read32(va + 0x10));
        assertEquals(frame, high.tlbEntries().get(0).physicalPage());
        assertEquals(va, high.tlbEntries().get(0).linearPage());
    }

    @Test
    void pagingOffTranslatesLinearToSamePhysicalAddress() {
        cpu.setCr0(Cr0.PE);
        assertEquals(0x12345678L, cpu.translate(0x12345678L, AccessKind.WRITE));
        assertTrue(cpu.tlbEntries().isEmpty());
    }

    @Test
    void notPresentPteGivesNotPresentFault() {
        map(VA, FRAME, RW, 0);
        ram.write32(pteAddress(VA), (int) FRAME); // P clear
        assertEquals(0, fault(VA, AccessKind.READ).errorCode());
    }

    @Test
    void userAccessNeedsUsInPdeAndPte() {
        cpu.setCpl(3);
        map(VA, FRAME, US, 0);
        assertEquals(PageFaultError.P | PageFaultError.US, fault(VA, AccessKind.READ).errorCode());
        map(VA, FRAME, 0, US);
        assertEquals(PageFaultError.P | PageFaultError.US, fault(VA, AccessKind.READ).errorCode());
        map(VA, FRAME, US, US);
        assertEquals(FRAME, cpu.translate(VA, AccessKind.READ));
    }

    @Test
    void userWriteNeedsRwInPdeAndPte() {
        cpu.setCpl(3);
        map(VA, FRAME, US, US | RW);
        assertEquals(PageFaultError.P | PageFaultError.WR | PageFaultError.US, fault(VA, AccessKind.WRITE).errorCode());
        map(VA, FRAME, US | RW, US);
        assertEquals(PageFaultError.P | PageFaultError.WR | PageFaultError.US, fault(VA, AccessKind.WRITE).errorCode());
        map(VA, FRAME, US | RW, US | RW);
        assertEquals(FRAME, cpu.translate(VA, AccessKind.WRITE));
    }

    @Test
    void userWriteToReadOnlyPageFaultsEvenWithoutWp() {
        cpu.setCpl(3);
        map(VA, FRAME, US, US);
        assertEquals(0, cpu.cr0() & Cr0.WP);
        assertEquals(PageFaultError.P | PageFaultError.WR | PageFaultError.US, fault(VA, AccessKind.WRITE).errorCode());
    }

    @Test
    void supervisorReadsUserAndReadOnlyPages() {
        cpu.setCr0(PAGING | Cr0.WP);
        map(VA, FRAME, US, US); // a read-only user page
        for (int cpl = 0; cpl <= 2; cpl++) {
            cpu.setCpl(cpl);
            assertEquals(FRAME, cpu.translate(VA, AccessKind.READ));
        }
    }

    @Test
    void supervisorWriteToReadOnlyPageFaultsOnlyWithWp() {
        map(VA, FRAME, RW, 0);
        assertEquals(FRAME, cpu.translate(VA, AccessKind.WRITE));
        cpu.flushTlb();
        cpu.setCr0(PAGING | Cr0.WP);
        assertEquals(PageFaultError.P | PageFaultError.WR, fault(VA, AccessKind.WRITE).errorCode());
    }

    @Test
    void wpIsCheckedAgainstCachedRightsWithoutFlush() {
        map(VA, FRAME, RW, D); // read-only, already dirty
        assertEquals(FRAME, cpu.translate(VA, AccessKind.READ));
        cpu.setCr0(PAGING | Cr0.WP); // no flush: the cached entry's rights meet the new WP
        assertEquals(PageFaultError.P | PageFaultError.WR, fault(VA, AccessKind.WRITE).errorCode());
    }

    @Test
    void fetchIsCheckedLikeReadAndNeverSetsId() {
        cpu.setCpl(3);
        map(VA, FRAME, US | RW, RW);
        PageFaultException e = fault(VA, AccessKind.FETCH);
        assertEquals(PageFaultError.P | PageFaultError.US, e.errorCode());
        assertEquals(0, e.errorCode() & PageFaultError.ID);
    }

    // ---- accessed and dirty --------------------------------------------------------------------

    @Test
    void readSetsAccessedInPdeAndPteButNotDirty() {
        map(VA, FRAME, RW, RW);
        cpu.translate(VA, AccessKind.READ);
        assertEquals(A, pde(VA) & (A | D));
        assertEquals(A, pte(VA) & (A | D));
    }

    @Test
    void writeSetsDirtyInPteOnly() {
        map(VA, FRAME, RW, RW);
        cpu.write32(VA, 7);
        assertEquals(A | D, pte(VA) & (A | D));
        assertEquals(A, pde(VA) & (A | D));
    }

    @Test
    void pdeAccessedIsSetEvenWhenPteNotPresent() {
        map(VA, FRAME, RW, 0);
        ram.write32(pteAddress(VA), 0);
        fault(VA, AccessKind.READ);
        assertEquals(A, pde(VA) & A);
        assertEquals(0, pte(VA));
    }

    @Test
    void pdeAccessedIsSetEvenWhenRightsFail() {
        cpu.setCpl(3);
        map(VA, FRAME, US, 0);
        fault(VA, AccessKind.READ);
        assertEquals(A, pde(VA) & A);
    }

    @Test
    void faultingAccessLeavesLeafAccessedAndDirtyUnchanged() {
        cpu.setCr0(PAGING | Cr0.WP);
        map(VA, FRAME, RW, 0);
        int before = pte(VA);
        fault(VA, AccessKind.WRITE);
        assertEquals(before, pte(VA));
    }

    @Test
    void faultingAccessToLargePageLeavesPdeUnchanged() {
        cpu.setCr4(Cr4.PSE);
        cpu.setCpl(3);
        mapLarge(VA, LARGE_FRAME, RW);
        int before = pde(VA);
        fault(VA, AccessKind.READ);
        assertEquals(before, pde(VA));
    }

    @Test
    void writeThroughCleanCachedEntryWalksAgainToSetDirty() {
        map(VA, FRAME, RW, RW);
        cpu.read32(VA);
        assertEquals(0, pte(VA) & D);
        assertFalse(cpu.tlbEntries().get(0).dirty());
        cpu.write32(VA, 1);
        assertEquals(D, pte(VA) & D);
        assertTrue(cpu.tlbEntries().get(0).dirty());
    }

    @Test
    void cleanEntryWriteSeesPteRemovedSinceTheFill() {
        map(VA, FRAME, RW, RW);
        cpu.read32(VA);
        ram.write32(pteAddress(VA), 0); // no INVLPG: the walk for D finds the PTE gone
        assertEquals(PageFaultError.WR, assertThrows(PageFaultException.class, () -> cpu.write32(VA, 1)).errorCode());
        assertTrue(cpu.tlbEntries().isEmpty());
    }

    // ---- 4 MiB pages ---------------------------------------------------------------------------

    @Test
    void fourMegabytePageNeedsPse() {
        // Without CR4.PSE the PS bit is ignored: the PDE names a page table at its bits 31:12.
        mapLarge(VA, LARGE_FRAME, RW);
        ram.write32(LARGE_FRAME + 4 * 5, (int) FRAME | P | RW); // entry 5 of that "page table"
        assertEquals(FRAME + 0x10, cpu.translate(VA + 0x5010, AccessKind.READ));
        assertFalse(cpu.tlbEntries().get(0).largePage());

        cpu.setCr4(Cr4.PSE);
        assertEquals(LARGE_FRAME + 0x5010, cpu.translate(VA + 0x5010, AccessKind.READ));
        assertTrue(cpu.tlbEntries().get(0).largePage());
    }

    @Test
    void fourMegabytePageSetsAccessedAndDirtyInPde() {
        cpu.setCr4(Cr4.PSE);
        mapLarge(VA, LARGE_FRAME, RW);
        assertEquals(LARGE_FRAME + 0x3FFFFC, cpu.translate(VA + 0x3FFFFC, AccessKind.WRITE));
        assertEquals(A | D, pde(VA) & (A | D));
    }

    @Test
    void reservedBitInLargePdeGivesRsvdFault() {
        cpu.setCr4(Cr4.PSE);
        for (int bit = 13; bit <= 21; bit++) {
            mapLarge(VA, LARGE_FRAME, RW | (1 << bit));
            PageFaultException e = fault(VA, AccessKind.READ);
            assertEquals(PageFaultError.P | PageFaultError.RSVD, e.errorCode(), "bit " + bit);
            assertEquals(0, pde(VA) & A, "bit " + bit);
        }
    }

    @Test
    void largePageIsCachedPerSmallPageTouched() {
        cpu.setCr4(Cr4.PSE);
        mapLarge(VA, LARGE_FRAME, RW);
        cpu.translate(VA + 0x1000, AccessKind.READ);
        cpu.translate(VA + 0x7000, AccessKind.READ);
        List<TlbEntry> entries = sorted(cpu.tlbEntries());
        assertEquals(2, entries.size());
        assertEquals(new TlbEntry(VA + 0x1000, LARGE_FRAME + 0x1000, true, true, false, false, false), entries.get(0));
        assertEquals(new TlbEntry(VA + 0x7000, LARGE_FRAME + 0x7000, true, true, false, false, false), entries.get(1));
    }

    @Test
    void invlpgDropsAllPiecesOfALargePage() {
        cpu.setCr4(Cr4.PSE);
        mapLarge(VA, LARGE_FRAME, RW);
        map(0x00800000L, FRAME, RW, RW); // a 4 KiB page in the next 4 MiB region stays
        cpu.translate(VA + 0x1000, AccessKind.READ);
        cpu.translate(VA + 0x7000, AccessKind.READ);
        cpu.translate(0x00800000L, AccessKind.READ);
        cpu.invlpg(VA + 0x3FF000); // a piece that was never cached
        List<TlbEntry> entries = cpu.tlbEntries();
        assertEquals(1, entries.size());
        assertEquals(0x00800000L, entries.get(0).linearPage());
    }

    // ---- TLB staleness and invalidation --------------------------------------------------------

    @Test
    void changedPteInvisibleUntilInvlpg() {
        map(VA, FRAME, RW, RW);
        assertEquals(FRAME, cpu.translate(VA, AccessKind.READ));
        ram.write32(pteAddress(VA), (int) OTHER_FRAME | P | RW);
        assertEquals(FRAME, cpu.translate(VA, AccessKind.READ));
        cpu.invlpg(VA + 0x800);
        assertEquals(OTHER_FRAME, cpu.translate(VA, AccessKind.READ));
    }

    @Test
    void removedPteStaysUsableUntilInvlpg() {
        map(VA, FRAME, RW, RW);
        cpu.write32(VA, 0x1234);
        ram.write32(pteAddress(VA), 0);
        assertEquals(0x1234, cpu.read32(VA));
        cpu.invlpg(VA);
        assertEquals(0, assertThrows(PageFaultException.class, () -> cpu.read32(VA)).errorCode());
    }

    @Test
    void changedPteInvisibleUntilCr3Load() {
        map(VA, FRAME, RW, RW);
        cpu.translate(VA, AccessKind.READ);
        ram.write32(pteAddress(VA), (int) OTHER_FRAME | P | RW);
        assertEquals(FRAME, cpu.translate(VA, AccessKind.READ));
        cpu.setCr3((int) DIRECTORY);
        assertEquals(OTHER_FRAME, cpu.translate(VA, AccessKind.READ));
    }

    @Test
    void rightsUpgradeWithoutInvlpgFaultsOnceThenSucceeds() {
        cpu.setCr0(PAGING | Cr0.WP);
        map(VA, FRAME, RW, 0);
        cpu.translate(VA, AccessKind.READ);
        ram.write32(pteAddress(VA), (int) FRAME | P | RW); // made writable, no INVLPG
        PageFaultException e = fault(VA, AccessKind.WRITE); // refused by the cached rights
        assertEquals(PageFaultError.P | PageFaultError.WR, e.errorCode());
        assertEquals(FRAME, cpu.translate(VA, AccessKind.WRITE)); // the fault dropped the stale entry
    }

    @Test
    void globalPageSurvivesCr3LoadUnderPge() {
        cpu.setCr4(Cr4.PGE);
        map(VA, FRAME, RW, RW | G);
        map(VA + 0x1000, OTHER_FRAME, RW, RW);
        cpu.translate(VA, AccessKind.READ);
        cpu.translate(VA + 0x1000, AccessKind.READ);
        cpu.setCr3((int) OTHER_DIRECTORY); // an empty directory
        List<TlbEntry> entries = cpu.tlbEntries();
        assertEquals(1, entries.size());
        assertTrue(entries.get(0).global());
        assertEquals(FRAME, cpu.translate(VA, AccessKind.READ));
        assertEquals(0, fault(VA + 0x1000, AccessKind.READ).errorCode());
    }

    @Test
    void globalBitCountsOnlyUnderPge() {
        map(VA, FRAME, RW, RW | G);
        cpu.translate(VA, AccessKind.READ);
        assertFalse(cpu.tlbEntries().get(0).global());
        cpu.setCr3((int) DIRECTORY);
        assertTrue(cpu.tlbEntries().isEmpty());
    }

    @Test
    void globalBitOfPdeIsIgnoredForSmallPages() {
        cpu.setCr4(Cr4.PGE);
        map(VA, FRAME, RW | G, RW);
        cpu.translate(VA, AccessKind.READ);
        assertFalse(cpu.tlbEntries().get(0).global());
    }

    @Test
    void invlpgDropsGlobalEntries() {
        cpu.setCr4(Cr4.PGE);
        map(VA, FRAME, RW, RW | G);
        cpu.translate(VA, AccessKind.READ);
        cpu.invlpg(VA);
        assertTrue(cpu.tlbEntries().isEmpty());
    }

    @Test
    void changingCr4PgeFlushesGlobalEntries() {
        cpu.setCr4(Cr4.PGE);
        map(VA, FRAME, RW, RW | G);
        cpu.translate(VA, AccessKind.READ);
        cpu.setCr4(0);
        assertTrue(cpu.tlbEntries().isEmpty());
    }

    @Test
    void changingCr4PseFlushesWholeTlb() {
        cpu.setCr4(Cr4.PGE);
        map(VA, FRAME, RW, RW | G);
        cpu.translate(VA, AccessKind.READ);
        cpu.setCr4(Cr4.PGE | Cr4.PSE);
        assertTrue(cpu.tlbEntries().isEmpty());
    }

    @Test
    void reloadingSameCr4KeepsTlb() {
        map(VA, FRAME, RW, RW);
        cpu.translate(VA, AccessKind.READ);
        cpu.setCr4(0);
        assertEquals(1, cpu.tlbEntries().size());
    }

    @Test
    void clearingCr0PgFlushesWholeTlb() {
        cpu.setCr4(Cr4.PGE);
        map(VA, FRAME, RW, RW | G);
        cpu.translate(VA, AccessKind.READ);
        cpu.setCr0(Cr0.PE);
        assertTrue(cpu.tlbEntries().isEmpty());
    }

    // ---- faults, the #PF vector and CR2 ---------------------------------------------------------

    @Test
    void unresolvedFaultThrowsWithErrorCodeAndCr2() {
        cpu.setCpl(3);
        PageFaultException e = assertThrows(PageFaultException.class, () -> cpu.write32(VA + 0x44, 1));
        assertEquals(PageFaultError.WR | PageFaultError.US, e.errorCode());
        assertEquals(VA + 0x44, e.cr2());
        assertEquals(VA + 0x44, cpu.cr2());
        assertEquals(AccessKind.WRITE, e.fault().access());
    }

    @Test
    void faultHandlerFixesMappingAndAccessRetries() {
        List<PageFault> seen = new ArrayList<>();
        cpu.setPageFaultHandler((context, fault) -> {
            seen.add(fault);
            assertEquals(fault.linearAddress(), context.cr2());
            map(fault.linearAddress() & ~0xFFFL, FRAME, RW, RW);
            return true;
        });
        cpu.write32(VA + 8, 0xCAFE);
        assertEquals(List.of(new PageFault(PageFaultError.WR, VA + 8, AccessKind.WRITE)), seen);
        assertEquals(0xCAFE, ram.read32(FRAME + 8));
    }

    @Test
    void faultHandlerRunsAfterStaleEntryIsDropped() {
        cpu.setCr0(PAGING | Cr0.WP);
        map(VA, FRAME, RW, 0);
        cpu.translate(VA, AccessKind.READ);
        List<Integer> entriesSeen = new ArrayList<>();
        cpu.setPageFaultHandler((context, fault) -> {
            entriesSeen.add(context.tlbEntries().size());
            return false;
        });
        fault(VA, AccessKind.WRITE);
        assertEquals(List.of(0), entriesSeen);
    }

    @Test
    void handlerThatDeclinesDeliversFaultToCaller() {
        cpu.setPageFaultHandler((context, fault) -> false);
        assertEquals(0, fault(VA, AccessKind.READ).errorCode());
    }

    @Test
    void handlerThatNeverFixesTheFaultDoesNotLoopForever() {
        int[] calls = {0};
        cpu.setPageFaultHandler((context, fault) -> ++calls[0] > 0);
        fault(VA, AccessKind.READ);
        assertEquals(Cpu.MAX_FAULT_RETRIES, calls[0]);
    }

    @Test
    void handlerThatThrowsGivesPageFaultWithCause() {
        cpu.setPageFaultHandler((context, fault) -> {
            throw new IllegalStateException("no memory");
        });
        PageFaultException e = fault(VA, AccessKind.READ);
        assertTrue(e.getCause() instanceof IllegalStateException);
    }

    @Test
    void faultCountsAreKept() {
        fault(VA, AccessKind.READ);
        fault(VA, AccessKind.READ);
        assertEquals(2, cpu.counters().pageFaults());
    }

    // ---- accesses that cross a page --------------------------------------------------------------

    @Test
    void pageCrossingWriteTranslatesBothPagesBeforeWriting() {
        map(VA, FRAME, RW, RW); // the next page is not mapped
        PageFaultException e = assertThrows(PageFaultException.class, () -> cpu.write32(VA + 0xFFE, 0x11223344));
        assertEquals(VA + 0x1000, e.cr2());
        assertEquals(0, ram.read16(FRAME + 0xFFE)); // nothing of the store reached the first page
    }

    @Test
    void pageCrossingAccessJoinsTwoFrames() {
        map(VA, FRAME, RW, RW);
        map(VA + 0x1000, OTHER_FRAME, RW, RW);
        cpu.write64(VA + 0xFFC, 0x8877665544332211L);
        assertEquals(0x44332211, ram.read32(FRAME + 0xFFC));
        assertEquals(0x88776655, ram.read32(OTHER_FRAME));
        assertEquals(0x8877665544332211L, cpu.read64(VA + 0xFFC));
    }

    @Test
    void bulkWriteTranslatesEveryPageBeforeWriting() {
        map(VA, FRAME, RW, RW);
        byte[] data = new byte[0x1800];
        java.util.Arrays.fill(data, (byte) 0x5A);
        assertThrows(PageFaultException.class, () -> cpu.write(VA + 0x800, data, 0, data.length));
        byte[] first = new byte[0x800];
        ram.read(FRAME + 0x800, first, 0, first.length);
        assertArrayEquals(new byte[0x800], first);
    }

    // ---- control registers -----------------------------------------------------------------------

    @Test
    void setCr0PgWithoutPeIsRefusedAndChangesNothing() {
        map(VA, FRAME, RW, RW);
        cpu.translate(VA, AccessKind.READ);
        int before = cpu.cr0();
        assertThrows(IllegalArgumentException.class, () -> cpu.setCr0(Cr0.PG));
        assertEquals(before, cpu.cr0());
        assertEquals(1, cpu.tlbEntries().size());
    }

    @Test
    void setCr4PaeIsRefused() {
        cpu.setCr4(Cr4.PSE);
        assertThrows(IllegalArgumentException.class, () -> cpu.setCr4(Cr4.PSE | Cr4.PAE));
        assertEquals(Cr4.PSE, cpu.cr4());
    }

    @Test
    void cr0KeepsEtAndDropsReservedBits() {
        cpu.setCr0(PAGING | 0x00000100);
        assertEquals(PAGING | Cr0.ET, cpu.cr0());
    }

    @Test
    void cplOutsideZeroToThreeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> cpu.setCpl(4));
        assertThrows(IllegalArgumentException.class, () -> cpu.setCpl(-1));
    }

    @Test
    void walkShowsTranslationWithoutSideEffects() {
        map(VA, FRAME, RW, RW);
        var walk = cpu.walk(VA + 0x10);
        assertEquals(FRAME + 0x10, walk.physicalAddress());
        assertEquals(0, pde(VA) & A);
        assertTrue(cpu.tlbEntries().isEmpty());
    }

    private static List<TlbEntry> sorted(List<TlbEntry> entries) {
        List<TlbEntry> copy = new ArrayList<>(entries);
        copy.sort(java.util.Comparator.comparingLong(TlbEntry::linearPage));
        return copy;
    }
}
