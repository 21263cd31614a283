package org.clkernel.api.physical;

/** Physical memory zones, as Linux names them for a 32-bit PC without highmem. */
public enum Zone {
    /** Frames below 16 MiB, reachable by ISA DMA. */
    DMA,
    /** Every other frame. */
    Normal;

    /** First frame number above the DMA zone (16 MiB). */
    public static final long DMA_LIMIT_PFN = (16L << 20) >>> 12;

    public static Zone of(long pfn) {
        return pfn < DMA_LIMIT_PFN ? DMA : Normal;
    }
}
