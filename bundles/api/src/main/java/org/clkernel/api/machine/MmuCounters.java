package org.clkernel.api.machine;

/**
 * Event counts of one context's MMU: TLB misses (each one walks; a write through an entry cached
 * clean also walks, to set D, but is not a miss), page faults delivered, TLB flushes (CR3 loads,
 * CR4 loads that change PGE or PSE, clearing CR0.PG) and INVLPGs.
 */
public record MmuCounters(long tlbMisses, long pageFaults, long tlbFlushes, long invlpgs) {
}
