package org.clkernel.machine;

import static org.clkernel.api.x86.Paging.A;
import static org.clkernel.api.x86.Paging.D;
import static org.clkernel.api.x86.Paging.FRAME_4K;
import static org.clkernel.api.x86.Paging.FRAME_4M;
import static org.clkernel.api.x86.Paging.G;
import static org.clkernel.api.x86.Paging.P;
import static org.clkernel.api.x86.Paging.PDE_4M_RESERVED;
import static org.clkernel.api.x86.Paging.PS;
import static org.clkernel.api.x86.Paging.RW;
import static org.clkernel.api.x86.Paging.US;

import org.clkernel.api.machine.AccessKind;
import org.clkernel.api.machine.PageWalk;
import org.clkernel.api.x86.Cr0;
import org.clkernel.api.x86.Cr3;
import org.clkernel.api.x86.Cr4;
import org.clkernel.api.x86.PageFaultError;
import org.clkernel.api.x86.Paging;

/**
 * The 32-bit page walk of SDM vol. 3A §4.3, with the access rights of §4.6, the fault error code of
 * §4.7 and the accessed/dirty rules of §4.8:
 * <ul>
 * <li>PDE.PS selects a 4 MiB page only while CR4.PSE is set; bits 21:13 of such a PDE are reserved
 *     (MAXPHYADDR is 32) and a 1 there is a RSVD fault.</li>
 * <li>Rights combine across PDE and PTE: user access needs U/S in both; a user write needs R/W in
 *     both; a supervisor write needs R/W in both only when CR0.WP is set; supervisor reads of user
 *     pages are allowed.</li>
 * <li>A PDE that references a page table gets A as soon as the walk goes through it, even if the
 *     PTE is not present or the access is refused (the SDM's note to the #PF description). The
 *     entry that maps the page gets A, and D on a write, only when the access succeeds.</li>
 * </ul>
 * Flags are set with a locked compare-and-set; if the entry changed under the walk, the walk
 * starts again, as a locked update by the processor would see the new value.
 */
final class PageWalker {
    /** Bit 63 of a walk result marks a fault; the low bits are then the error code. */
    static final long FAULT = 1L << 63;

    private PageWalker() {
    }

    /**
     * Walks for one access and sets A/D.
     *
     * @return {@code (tlbFlags << 32) | physicalPage} on success, or {@code FAULT | errorCode}
     */
    static long walk(PhysicalBus bus, int linear, AccessKind access, int cr0, int cr3, int cr4, int cpl) {
        boolean user = cpl == 3;
        boolean write = access.isWrite();
        int accessBits = (write ? PageFaultError.WR : 0) | (user ? PageFaultError.US : 0);
        long pdeAddress = (cr3 & Cr3.PD_BASE & 0xFFFFFFFFL) | ((long) Paging.pdIndex(linear) << 2);
        while (true) {
            int pde = bus.read32(pdeAddress);
            if ((pde & P) == 0) {
                return FAULT | accessBits;
            }
            if ((pde & PS) != 0 && (cr4 & Cr4.PSE) != 0) {
                if ((pde & PDE_4M_RESERVED) != 0) {
                    return FAULT | PageFaultError.P | PageFaultError.RSVD | accessBits;
                }
                if (!allowed(pde & RW, pde & US, write, user, cr0)) {
                    return FAULT | PageFaultError.P | accessBits;
                }
                int updated = pde | A | (write ? D : 0);
                if (updated != pde && !bus.compareAndSet32(pdeAddress, pde, updated)) {
                    continue;
                }
                int page = (pde & FRAME_4M) | (linear & 0x003FF000);
                return tlbResult(page, updated, updated, cr4, true);
            }
            if ((pde & A) == 0 && !bus.compareAndSet32(pdeAddress, pde, pde | A)) {
                continue;
            }
            long pteAddress = (pde & FRAME_4K & 0xFFFFFFFFL) | ((long) Paging.ptIndex(linear) << 2);
            int pte = bus.read32(pteAddress);
            if ((pte & P) == 0) {
                return FAULT | accessBits;
            }
            if (!allowed(pde & pte & RW, pde & pte & US, write, user, cr0)) {
                return FAULT | PageFaultError.P | accessBits;
            }
            int updated = pte | A | (write ? D : 0);
            if (updated != pte && !bus.compareAndSet32(pteAddress, pte, updated)) {
                continue;
            }
            return tlbResult(pte & FRAME_4K, pde & updated, updated, cr4, false);
        }
    }

    /** SDM §4.6 for 32-bit paging without SMEP/SMAP. */
    static boolean allowed(int rw, int us, boolean write, boolean user, int cr0) {
        if (user) {
            return us != 0 && (!write || rw != 0);
        }
        return !write || rw != 0 || (cr0 & Cr0.WP) == 0;
    }

    private static long tlbResult(int page, int combined, int leaf, int cr4, boolean large) {
        int flags = ((combined & RW) != 0 ? Tlb.WRITABLE : 0)
                | ((combined & US) != 0 ? Tlb.USER : 0)
                | ((leaf & D) != 0 ? Tlb.DIRTY : 0)
                | ((leaf & G) != 0 && (cr4 & Cr4.PGE) != 0 ? Tlb.GLOBAL : 0)
                | (large ? Tlb.LARGE : 0);
        return ((long) flags << 32) | (page & 0xFFFFFFFFL);
    }

    /** A debugger's walk: reads the entries, changes nothing. */
    static PageWalk inspect(PhysicalBus bus, long linear, int cr3, int cr4) {
        long pdeAddress = (cr3 & Cr3.PD_BASE & 0xFFFFFFFFL) | ((long) Paging.pdIndex(linear) << 2);
        int pde = bus.read32(pdeAddress);
        if ((pde & P) == 0) {
            return new PageWalk(linear, cr3, pdeAddress, pde, -1, 0, false, -1, false);
        }
        if ((pde & PS) != 0 && (cr4 & Cr4.PSE) != 0) {
            boolean reserved = (pde & PDE_4M_RESERVED) != 0;
            long pa = reserved ? -1 : (pde & FRAME_4M & 0xFFFFFFFFL) | (linear & 0x3FFFFF);
            return new PageWalk(linear, cr3, pdeAddress, pde, -1, 0, true, pa, reserved);
        }
        long pteAddress = (pde & FRAME_4K & 0xFFFFFFFFL) | ((long) Paging.ptIndex(linear) << 2);
        int pte = bus.read32(pteAddress);
        long pa = (pte & P) == 0 ? -1 : (pte & FRAME_4K & 0xFFFFFFFFL) | (linear & 0xFFF);
        return new PageWalk(linear, cr3, pdeAddress, pde, pteAddress, pte, false, pa, false);
    }
}
