package org.clkernel.api.machine;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The 32-bit physical address space: RAM, MMIO devices in their ranges, and nothing elsewhere.
 * Untouched RAM reads as zero and costs no Java memory. A read where nothing answers returns all
 * ones (an open bus); a write there is dropped, as on a PC.
 */
@ProviderType
public interface PhysicalMemory extends MemoryAccess {

    /** Highest physical address plus one: 2^32. */
    long ADDRESS_SPACE = 1L << 32;

    /** Bytes of installed RAM. RAM occupies [0, ramSize) except where MMIO devices sit. */
    long ramSize();

    /** Bytes of RAM that have been written at least once and so are backed by Java memory. */
    long residentBytes();

    /**
     * Atomic 32-bit compare-and-set (LOCK CMPXCHG) on a 4-byte aligned RAM address; the MMU sets
     * accessed and dirty flags with it.
     *
     * @return true if the value was {@code expected} and is now {@code replacement}
     */
    boolean compareAndSet32(long address, int expected, int replacement);

    /**
     * Zero-fills a range. RAM pages never written stay unbacked (they already read as zero), so
     * zeroing a large untouched range costs nothing.
     */
    void zero(long address, long length);

    /** Whether a RAM byte (not MMIO, not a hole) is at this address. */
    boolean isRam(long address);
}
