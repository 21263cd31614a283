package org.clkernel.api.paging;

/**
 * Paging events of one address space, or of all of them.
 *
 * @param minorFaults   faults resolved without I/O (a demand-zero page filled)
 * @param majorFaults   faults that had to read a page back from swap
 * @param swapIns       pages read from the swap device
 * @param swapOuts      pages written to the swap device
 * @param tlbShootdowns invalidations sent to CPU contexts (one per page and context)
 */
public record PagingCounters(long minorFaults, long majorFaults, long swapIns, long swapOuts, long tlbShootdowns) {

    public static final PagingCounters ZERO = new PagingCounters(0, 0, 0, 0, 0);

    public PagingCounters plus(PagingCounters o) {
        return new PagingCounters(minorFaults + o.minorFaults, majorFaults + o.majorFaults, swapIns + o.swapIns,
                swapOuts + o.swapOuts, tlbShootdowns + o.tlbShootdowns);
    }
}
