package org.clkernel.api.physical;

/**
 * A usable physical range as the kernel accepted it from the Multiboot memory map, after
 * dropping or clipping what could not be trusted.
 */
public record DetectedRegion(long base, long length) {
    public long end() {
        return base + length;
    }
}
