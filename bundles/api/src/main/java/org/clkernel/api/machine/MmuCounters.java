package org.clkernel.api.machine;

/** Event counts of one context's MMU: TLB misses (page walks), page faults delivered, whole-TLB flushes (CR3 and CR4 loads, clearing CR0.PG) and INVLPGs. */
public record MmuCounters(long tlbMisses, long pageFaults, long tlbFlushes, long invlpgs) {
}
