package org.clkernel.api.machine;

/**
 * A side-effect-free walk of the paging structures for one linear address, as a debugger shows it.
 * No flag is changed and no TLB entry is made.
 *
 * @param linearAddress the address walked
 * @param cr3           CR3 at the time of the walk
 * @param pdeAddress    physical address of the PDE
 * @param pde           its value
 * @param pteAddress    physical address of the PTE, or -1 when the PDE is not present or maps a
 *                      4 MiB page
 * @param pte           its value, or 0 when there is no PTE
 * @param largePage     the PDE maps a 4 MiB page (PS set and CR4.PSE)
 * @param physicalAddress the translation, or -1 when there is none
 * @param reservedBitFault a reserved bit is set in the entries used (a RSVD fault on access)
 */
public record PageWalk(long linearAddress, int cr3, long pdeAddress, int pde, long pteAddress, int pte,
        boolean largePage, long physicalAddress, boolean reservedBitFault) {

    public boolean isMapped() {
        return physicalAddress >= 0;
    }
}
