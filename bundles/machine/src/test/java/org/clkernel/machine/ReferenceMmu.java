package org.clkernel.machine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.clkernel.api.machine.AccessKind;
import org.clkernel.api.machine.TlbEntry;
import org.clkernel.api.x86.Cr0;
import org.clkernel.api.x86.Cr3;
import org.clkernel.api.x86.Cr4;
import org.clkernel.api.x86.PageFaultError;
import org.clkernel.api.x86.Paging;

/**
 * A plain model of 32-bit paging (Intel SDM vol. 3A §4.3, §4.6-4.8, §4.10), written from the SDM
 * and not from the machine's MMU, to run beside it and compare. It keeps its own physical memory
 * as 32-bit words (absent words read as zero) and an unbounded TLB keyed by linear page, so it
 * never evicts: the machine agrees with it only while its TLB does not evict either.
 */
final class ReferenceMmu {

    /** What a TLB entry keeps of a translation (§4.10.2.2): frame, combined rights, D, G. */
    record Cached(long physicalPage, boolean writable, boolean user, boolean dirty, boolean global,
            boolean large) {
    }

    /** One access: a physical address, or the #PF error code (physical is then -1). */
    record Outcome(long physical, int errorCode) {
        boolean faulted() {
            return physical < 0;
        }
    }

    private final Map<Long, Integer> memory = new HashMap<>();
    private final Map<Long, Cached> tlb = new HashMap<>();
    private int cr0 = Cr0.PE | Cr0.ET; // Multiboot hand-off: protected mode, paging off
    private long cr2;
    private int cr3;
    private int cr4;
    private int cpl;

    // ---- physical memory -----------------------------------------------------------------------

    int read32(long physical) {
        return memory.getOrDefault(physical, 0);
    }

    void write32(long physical, int value) {
        memory.put(physical, value);
    }

    /** Every word ever written, by the test or by a walk. */
    Map<Long, Integer> words() {
        return memory;
    }

    // ---- registers (MOV to CRn, §2.5 and the flushes of §4.10.4.1) ------------------------------

    int cr0() {
        return cr0;
    }

    long cr2() {
        return cr2;
    }

    int cr3() {
        return cr3;
    }

    int cr4() {
        return cr4;
    }

    int cpl() {
        return cpl;
    }

    void setCr0(int value) {
        int next = (value & Cr0.DEFINED) | Cr0.ET; // reserved bits read as 0, ET is hard-wired to 1
        if ((next & Cr0.PG) != 0 && (next & Cr0.PE) == 0) {
            throw new IllegalArgumentException("#GP: PG without PE");
        }
        if ((cr0 & Cr0.PG) != 0 && (next & Cr0.PG) == 0) {
            tlb.clear(); // §4.10.4.1: clearing PG invalidates every entry, global ones too
        }
        cr0 = next;
    }

    void setCr3(int value) {
        cr3 = value & Cr3.DEFINED;
        tlb.values().removeIf(e -> !e.global()); // §4.10.4.1: all but global entries
    }

    void setCr4(int value) {
        if ((value & ~Cr4.SUPPORTED) != 0) {
            throw new IllegalArgumentException("#GP: CR4 bit not implemented");
        }
        if (((cr4 ^ value) & (Cr4.PGE | Cr4.PSE)) != 0) {
            tlb.clear(); // §4.10.4.1 for PGE; for PSE an extra flush the SDM allows
        }
        cr4 = value;
    }

    void setCpl(int value) {
        cpl = value;
    }

    // ---- TLB -----------------------------------------------------------------------------------

    /** §4.10.4.1: the entry for the page, and every cached piece of a 4 MiB page holding it. */
    void invlpg(long linear) {
        tlb.remove(page(linear));
        tlb.entrySet().removeIf(e -> e.getValue().large() && (e.getKey() >>> 22) == (linear >>> 22));
    }

    Cached cached(long linear) {
        return tlb.get(page(linear));
    }

    /** The TLB as {@code CpuContext.tlbEntries()} reports it, ordered by linear page. */
    List<TlbEntry> tlbEntries() {
        List<TlbEntry> entries = new ArrayList<>();
        tlb.forEach((page, e) -> entries.add(new TlbEntry(page, e.physicalPage(), e.large(), e.writable(),
                e.user(), e.dirty(), e.global())));
        entries.sort(Comparator.comparingLong(TlbEntry::linearPage));
        return entries;
    }

    // ---- accesses ------------------------------------------------------------------------------

    /** One access as the processor makes it; a fault loads CR2 and drops the address's entries. */
    Outcome access(long linear, AccessKind kind) {
        if ((cr0 & Cr0.PG) == 0) {
            return new Outcome(linear, 0);
        }
        boolean write = kind.isWrite(); // a fetch is checked like a read: no NX or SMEP here
        Cached hit = tlb.get(page(linear));
        Outcome outcome;
        if (hit != null && !allowed(hit.writable(), hit.user(), write)) {
            outcome = fault(PageFaultError.P, write); // cached rights refuse: no walk (§4.10.4.3)
        } else if (hit != null && (!write || hit.dirty())) {
            return new Outcome(hit.physicalPage() | offset(linear), 0);
        } else {
            outcome = walk(linear, write, true); // a miss, or a write that must set D in memory
        }
        if (outcome.faulted()) {
            cr2 = linear; // §4.7
            invlpg(linear); // §4.10.4.1: a #PF invalidates the TLB entries for its address
        }
        return outcome;
    }

    /** A read walk from memory that changes nothing: what a fresh walk would give now. */
    Outcome peek(long linear) {
        return walk(linear, false, false);
    }

    /** §4.3 walk with §4.6 rights and §4.8 A/D; {@code commit} writes flags and fills the TLB. */
    private Outcome walk(long linear, boolean write, boolean commit) {
        long pdeAddress = (cr3 & 0xFFFFF000L) | ((linear >>> 22) << 2); // CR3[31:12], linear[31:22]
        int pde = read32(pdeAddress);
        if ((pde & Paging.P) == 0) {
            return fault(0, write); // no translation: P = 0 in the error code
        }
        if ((pde & Paging.PS) != 0 && (cr4 & Cr4.PSE) != 0) { // PS counts only with CR4.PSE (§4.3)
            if ((pde & 0x003FE000) != 0) { // table 4-4, MAXPHYADDR 32: bits 21:13 reserved
                return fault(PageFaultError.P | PageFaultError.RSVD, write);
            }
            boolean writable = (pde & Paging.RW) != 0;
            boolean user = (pde & Paging.US) != 0;
            if (!allowed(writable, user, write)) {
                return fault(PageFaultError.P, write);
            }
            int leaf = pde | Paging.A | (write ? Paging.D : 0); // §4.8, only for an access that succeeds
            long frame = (pde & 0xFFC00000L) | (linear & 0x003FF000L);
            return done(pdeAddress, leaf, linear, new Cached(frame, writable, user,
                    (leaf & Paging.D) != 0, global(leaf), true), commit);
        }
        if (commit) {
            write32(pdeAddress, pde | Paging.A); // §4.8: the walk used this PDE, whatever comes next
        }
        long pteAddress = (pde & 0xFFFFF000L) | (((linear >>> 12) & 0x3FF) << 2); // linear[21:12]
        int pte = read32(pteAddress);
        if ((pte & Paging.P) == 0) {
            return fault(0, write);
        }
        boolean writable = (pde & pte & Paging.RW) != 0; // §4.6: rights are the AND over the walk
        boolean user = (pde & pte & Paging.US) != 0;
        if (!allowed(writable, user, write)) {
            return fault(PageFaultError.P, write);
        }
        int leaf = pte | Paging.A | (write ? Paging.D : 0);
        return done(pteAddress, leaf, linear, new Cached(pte & 0xFFFFF000L, writable, user,
                (leaf & Paging.D) != 0, global(leaf), false), commit);
    }

    private Outcome done(long leafAddress, int leaf, long linear, Cached entry, boolean commit) {
        if (commit) {
            write32(leafAddress, leaf);
            tlb.put(page(linear), entry); // a large page is cached per 4 KiB page touched (§4.10.2.3)
        }
        return new Outcome(entry.physicalPage() | offset(linear), 0);
    }

    /** §4.6 without SMEP/SMAP: CPL 3 is user mode; supervisor writes honour R/W only with CR0.WP. */
    private boolean allowed(boolean writable, boolean user, boolean write) {
        if (cpl == 3) {
            return user && (!write || writable);
        }
        return !write || writable || (cr0 & Cr0.WP) == 0;
    }

    /** §4.10.2.4: G in the leaf makes a global entry only under CR4.PGE. */
    private boolean global(int leaf) {
        return (leaf & Paging.G) != 0 && (cr4 & Cr4.PGE) != 0;
    }

    /** §4.7: W/R and U/S describe the access; I/D stays 0 (no SMEP, no NX in 32-bit paging). */
    private Outcome fault(int bits, boolean write) {
        return new Outcome(-1, bits | (write ? PageFaultError.WR : 0) | (cpl == 3 ? PageFaultError.US : 0));
    }

    private static long page(long linear) {
        return linear & ~0xFFFL;
    }

    private static long offset(long linear) {
        return linear & 0xFFFL;
    }
}
