package org.clkernel.api.machine;

/**
 * One entry of the memory map: {@code length} bytes from {@code base} of the given type.
 */
public record MemoryRegion(long base, long length, RegionType type) {

    public MemoryRegion {
        if (base < 0 || length <= 0) {
            throw new IllegalArgumentException("region needs base >= 0 and length > 0");
        }
    }

    /** Last byte of the region (inclusive), as e820 tables print it. */
    public long last() {
        return base + length - 1;
    }

    public long end() {
        return base + length;
    }

    public boolean contains(long address) {
        return address >= base && address < base + length;
    }
}
