package org.clkernel.physical;

import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.physical.FrameAllocator;

/**
 * The physical memory manager's state in emulated RAM: a header page at {@link #HEADER} (2 MiB,
 * right after the 1 MiB kernel image), then one 16-byte descriptor per frame, like Linux's
 * {@code struct page} array.
 *
 * <pre>
 * header  +0 magic "CLKP"  +4 layout version  +8 spanned frames  +12 descriptor base
 *         +16 reserved frames
 *         +64 + 128*zone: +0 managed  +4 free  +8 cached  +16 heads[11]  +64 counts[11]
 * descriptor  +0 info: state (bits 3:0), order (bits 11:8), zone (bits 17:16)
 *             +4 owner   +8 next pfn   +12 prev pfn   (list links; {@link #NONE} ends a list)
 * </pre>
 * Invariants: every frame of a block but the first is {@link #TAIL}; a {@link #FREE} head is on
 * exactly one list, the one of its zone and order; a {@link #CACHED} frame is a free order-0
 * frame held by the per-CPU cache and on no list.
 */
final class FrameTable {
    static final long HEADER = 0x200000L;
    static final long DESCRIPTORS = HEADER + 4096;
    static final int DESCRIPTOR = 16;
    static final int MAGIC = 0x504B4C43;
    static final int VERSION = 1;
    static final int NONE = -1;

    /** Descriptor states. */
    static final int RESERVED = 0;
    static final int FREE = 1;
    static final int ALLOCATED = 2;
    static final int TAIL = 3;
    static final int CACHED = 4;

    static final int ZONES = 2;
    static final int ORDERS = FrameAllocator.MAX_ORDER + 1;

    final PhysicalMemory ram;

    FrameTable(PhysicalMemory ram) {
        this.ram = ram;
    }

    // ---- header --------------------------------------------------------------------------------

    int magic() {
        return ram.read32(HEADER);
    }

    int version() {
        return ram.read32(HEADER + 4);
    }

    long spanned() {
        return ram.read32(HEADER + 8) & 0xFFFFFFFFL;
    }

    long descriptorBase() {
        return ram.read32(HEADER + 12) & 0xFFFFFFFFL;
    }

    long reserved() {
        return ram.read32(HEADER + 16) & 0xFFFFFFFFL;
    }

    void writeHeader(long spanned, long reserved) {
        ram.write32(HEADER, MAGIC);
        ram.write32(HEADER + 4, VERSION);
        ram.write32(HEADER + 8, (int) spanned);
        ram.write32(HEADER + 12, (int) DESCRIPTORS);
        ram.write32(HEADER + 16, (int) reserved);
    }

    private static long zoneField(int zone, int offset) {
        return HEADER + 64 + 128L * zone + offset;
    }

    long managed(int zone) {
        return ram.read32(zoneField(zone, 0)) & 0xFFFFFFFFL;
    }

    void addManaged(int zone, long frames) {
        ram.write32(zoneField(zone, 0), (int) (managed(zone) + frames));
    }

    long free(int zone) {
        return ram.read32(zoneField(zone, 4)) & 0xFFFFFFFFL;
    }

    void addFree(int zone, long frames) {
        ram.write32(zoneField(zone, 4), (int) (free(zone) + frames));
    }

    long cached(int zone) {
        return ram.read32(zoneField(zone, 8)) & 0xFFFFFFFFL;
    }

    void addCached(int zone, long frames) {
        ram.write32(zoneField(zone, 8), (int) (cached(zone) + frames));
    }

    int head(int zone, int order) {
        return ram.read32(zoneField(zone, 16 + 4 * order));
    }

    void setHead(int zone, int order, int pfn) {
        ram.write32(zoneField(zone, 16 + 4 * order), pfn);
    }

    long count(int zone, int order) {
        return ram.read32(zoneField(zone, 64 + 4 * order)) & 0xFFFFFFFFL;
    }

    void addCount(int zone, int order, int delta) {
        ram.write32(zoneField(zone, 64 + 4 * order), (int) (count(zone, order) + delta));
    }

    // ---- descriptors ---------------------------------------------------------------------------

    static long descriptor(long pfn) {
        return DESCRIPTORS + pfn * DESCRIPTOR;
    }

    int info(long pfn) {
        return ram.read32(descriptor(pfn));
    }

    static int state(int info) {
        return info & 0xF;
    }

    static int order(int info) {
        return (info >>> 8) & 0xF;
    }

    static int zone(int info) {
        return (info >>> 16) & 0x3;
    }

    static int info(int state, int order, int zone) {
        return state | order << 8 | zone << 16;
    }

    void setInfo(long pfn, int info) {
        ram.write32(descriptor(pfn), info);
    }

    int owner(long pfn) {
        return ram.read32(descriptor(pfn) + 4);
    }

    void setOwner(long pfn, int owner) {
        ram.write32(descriptor(pfn) + 4, owner);
    }

    int next(long pfn) {
        return ram.read32(descriptor(pfn) + 8);
    }

    void setNext(long pfn, int next) {
        ram.write32(descriptor(pfn) + 8, next);
    }

    int prev(long pfn) {
        return ram.read32(descriptor(pfn) + 12);
    }

    void setPrev(long pfn, int prev) {
        ram.write32(descriptor(pfn) + 12, prev);
    }

    static String frame(long pfn) {
        return String.format("frame 0x%x (0x%08x)", pfn, pfn << 12);
    }

    static String stateName(int state) {
        return switch (state) {
            case RESERVED -> "reserved";
            case FREE -> "free";
            case ALLOCATED -> "allocated";
            case TAIL -> "tail";
            case CACHED -> "cached";
            default -> "state " + state;
        };
    }
}
