package org.clkernel.heap;

import static org.clkernel.api.paging.KernelLayout.HEAP_WINDOW;

import org.clkernel.api.heap.KernelHeap.HeapStats;

/**
 * The heap's control block, the first bytes of the heap window; the anchor {@value #ANCHOR} holds
 * the physical address of the frame under it.
 *
 * <pre>
 * +0  u32 magic "CLKH"     +4  u32 layout version
 * +8  u64 top: end of the mapped heap (the epilogue is its last HEADER bytes)
 * +16 u64 current bytes    +24 u64 peak bytes
 * +32 u64 total bytes      +40 u64 live blocks
 * </pre>
 * Blocks start at {@link #FIRST_BLOCK}.
 */
final class HeapControl {
    static final String ANCHOR = "heap";
    static final int MAGIC = 0x484B4C43;
    static final int VERSION = 1;
    static final long FIRST_BLOCK = HEAP_WINDOW + 64;
    private static final long TOP = HEAP_WINDOW + 8;
    private static final long CURRENT = HEAP_WINDOW + 16;
    private static final long PEAK = HEAP_WINDOW + 24;
    private static final long TOTAL = HEAP_WINDOW + 32;
    private static final long BLOCKS = HEAP_WINDOW + 40;

    private final HeapMemory m;

    HeapControl(HeapMemory m) {
        this.m = m;
    }

    void format(long top) {
        m.zero(HEAP_WINDOW, FIRST_BLOCK - HEAP_WINDOW);
        m.write32(HEAP_WINDOW, MAGIC);
        m.write32(HEAP_WINDOW + 4, VERSION);
        setTop(top);
    }

    boolean valid() {
        return m.read32(HEAP_WINDOW) == MAGIC && m.read32(HEAP_WINDOW + 4) == VERSION;
    }

    long top() {
        return m.read64(TOP);
    }

    void setTop(long top) {
        m.write64(TOP, top);
    }

    /** The epilogue header: the last HEADER bytes of the heap. */
    long epilogue() {
        return top() - BlockTags.HEADER;
    }

    /** A block of {@code bytes} was allocated. */
    void allocated(long bytes) {
        add(BLOCKS, 1);
        add(TOTAL, bytes);
        setCurrent(m.read64(CURRENT) + bytes);
    }

    void freed(long bytes) {
        add(BLOCKS, -1);
        add(CURRENT, -bytes);
    }

    /** A live block changed from {@code from} to {@code to} bytes in place: growth counts as allocated. */
    void resized(long from, long to) {
        add(TOTAL, Math.max(0, to - from));
        setCurrent(m.read64(CURRENT) - from + to);
    }

    private void setCurrent(long current) {
        m.write64(CURRENT, current);
        m.write64(PEAK, Math.max(current, m.read64(PEAK)));
    }

    private void add(long field, long delta) {
        m.write64(field, m.read64(field) + delta);
    }

    HeapStats stats() {
        return new HeapStats(m.read64(CURRENT), m.read64(PEAK), m.read64(TOTAL), m.read64(BLOCKS), top() - HEAP_WINDOW);
    }
}
