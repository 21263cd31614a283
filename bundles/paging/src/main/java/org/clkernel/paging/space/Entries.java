package org.clkernel.paging.space;

import static org.clkernel.api.x86.Paging.A;
import static org.clkernel.api.x86.Paging.D;
import static org.clkernel.api.x86.Paging.FRAME_4K;
import static org.clkernel.api.x86.Paging.G;
import static org.clkernel.api.x86.Paging.P;
import static org.clkernel.api.x86.Paging.PCD;
import static org.clkernel.api.x86.Paging.PS;
import static org.clkernel.api.x86.Paging.PWT;
import static org.clkernel.api.x86.Paging.RW;
import static org.clkernel.api.x86.Paging.US;

import org.clkernel.api.machine.PageFault;
import org.clkernel.api.paging.Prot;
import org.clkernel.api.x86.Cr0;

/**
 * The PDE and PTE values this kernel writes. Bits 11:9 of an entry are ignored by the MMU and free
 * for the kernel (SDM table 4-6); {@link #ANONYMOUS} uses bit 9, {@link #SWAPPED} bit 10 and
 * {@link #ZERO} bit 11.
 *
 * <p>A swapped-out page keeps a not-present PTE (P = 0, so the MMU ignores every other bit and
 * faults) that says where the page is: {@code slot << 12 | SWAPPED | ANONYMOUS}, the swap slot in
 * bits 31:12 (up to 2^20 slots, a 4 GiB device), bit 10 {@link #SWAPPED}, bit 9 as for the
 * resident page. Its protection is the region's, read again at swap-in. Every other not-present
 * entry is 0.
 */
final class Entries {
    /** PTE bit 9: the frame was filled on demand and belongs to the space, which frees it on unmap. */
    static final int ANONYMOUS = 1 << 9;
    /** PTE bit 10 of a not-present entry: the page is on the swap device, in the slot of bits 31:12. */
    static final int SWAPPED = 1 << 10;
    /**
     * PTE bit 11: the page still holds the zeros it was filled with. Set when a page is zero-filled
     * on demand; once the MMU sets D the bit says nothing any more. A page with this bit and D
     * clear leaves without a swap write: its next touch fills it with zeros again.
     */
    static final int ZERO = 1 << 11;
    /** Swap slots a PTE can name. */
    static final int MAX_SLOTS = 1 << 20;
    /** What A and D may change in an entry behind the kernel's back. */
    static final int HARDWARE_SET = A | D;

    private Entries() {
    }

    /** A PDE of the user half: user tables let the PTE decide the rights. */
    static int userPde(long table) {
        return (int) table | P | RW | US;
    }

    /** A PDE of a kernel table: supervisor, so a user access to the kernel half faults with P set. */
    static int kernelPde(long table) {
        return (int) table | P | RW;
    }

    /** A direct-map PDE: a global supervisor 4 MiB page. */
    static int directMapPde(long physical) {
        return (int) physical | P | RW | PS | G;
    }

    /** A PTE; kernel pages are global, user pages are not. */
    static int pte(long frame, int prot, boolean kernel, boolean anonymous) {
        return ((int) frame & FRAME_4K) | P | (prot & Prot.ALL) | (kernel ? G : 0) | (anonymous ? ANONYMOUS : 0);
    }

    static int ioPte(long frame) {
        return ((int) frame & FRAME_4K) | P | RW | PCD | PWT | G;
    }

    /** The not-present PTE of a page in a swap slot. */
    static int swapEntry(int slot) {
        return slot << 12 | SWAPPED | ANONYMOUS;
    }

    static boolean swapped(int entry) {
        return (entry & (P | SWAPPED)) == SWAPPED;
    }

    static int slot(int entry) {
        return entry >>> 12;
    }

    /** A page zero-filled on demand and never written since: it can leave without being kept. */
    static boolean stillZero(int entry) {
        return (entry & (ZERO | D)) == ZERO;
    }

    /** A present page the space filled on demand: pageable. */
    static boolean pageable(int entry) {
        return (entry & (P | ANONYMOUS)) == (P | ANONYMOUS);
    }

    static boolean present(int entry) {
        return (entry & P) != 0;
    }

    static long frame(int entry) {
        return entry & FRAME_4K & 0xFFFFFFFFL;
    }

    /** Whether rights combined from PDE and PTE allow the access that faulted (SDM §4.6). */
    static boolean allows(int rights, PageFault fault, int cr0) {
        boolean writable = (rights & RW) != 0;
        if (fault.isUser()) {
            return (rights & US) != 0 && (!fault.isWrite() || writable);
        }
        return !fault.isWrite() || writable || (cr0 & Cr0.WP) == 0;
    }
}
