package org.clkernel.heap;

/**
 * The boundary tags of heap blocks in RAM. A block is {@link #HEADER} bytes of header and its
 * payload; a free block also ends with a footer holding its size, so the block after it can find
 * its start and coalesce backwards.
 *
 * <pre>
 * header +0  u32 size | ALLOCATED (bit 0) | PREV_ALLOCATED (bit 1); size a multiple of 8
 *        +4  u32 canary: CANARY ^ block address
 *        +8  u32 owner actor (allocated blocks)
 *        +12 u32 bytes asked for (allocated blocks)
 * footer size-8 u32 size (free blocks only)
 * </pre>
 * Invariants: a block's PREV_ALLOCATED bit is the ALLOCATED bit of the block before it; no two
 * free blocks are adjacent; the epilogue, a header of size 0 marked allocated, ends the heap.
 */
final class BlockTags {
    static final int HEADER = 16;
    static final int FOOTER = 8;
    static final int ALIGN = 8;
    /** Smallest block: a header, a footer and 8 bytes between, room for a strategy's links. */
    static final int MIN_BLOCK = 32;
    static final int CANARY = 0xC1A5B10C;
    static final int ALLOCATED = 1;
    static final int PREV_ALLOCATED = 2;
    private static final int FLAGS = ALIGN - 1;

    private final HeapMemory m;

    BlockTags(HeapMemory m) {
        this.m = m;
    }

    /** The block size that holds {@code bytes} of payload, or -1 when no block in the window can. */
    static long blockSize(long bytes, long limit) {
        if (bytes > limit) {
            return -1;
        }
        long size = (bytes + HEADER + ALIGN - 1) & ~(long) (ALIGN - 1);
        return Math.max(size, MIN_BLOCK);
    }

    static int canary(long block) {
        return CANARY ^ (int) block;
    }

    long size(long block) {
        return m.read32(block) & 0xFFFFFFFFL & ~FLAGS;
    }

    /** Whether the unused flag bit of the size word is clear. */
    boolean sizeWordOk(long block) {
        return (m.read32(block) & 4) == 0;
    }

    boolean allocated(long block) {
        return (m.read32(block) & ALLOCATED) != 0;
    }

    boolean prevAllocated(long block) {
        return (m.read32(block) & PREV_ALLOCATED) != 0;
    }

    int storedCanary(long block) {
        return m.read32(block + 4);
    }

    boolean canaryOk(long block) {
        return storedCanary(block) == canary(block);
    }

    int owner(long block) {
        return m.read32(block + 8);
    }

    long requested(long block) {
        return m.read32(block + 12) & 0xFFFFFFFFL;
    }

    long footer(long block, long size) {
        return m.read32(block + size - FOOTER) & 0xFFFFFFFFL;
    }

    /** The size in the footer of the block that ends at {@code block}. */
    long sizeBefore(long block) {
        return m.read32(block - FOOTER) & 0xFFFFFFFFL;
    }

    void writeUsed(long block, long size, boolean prevAllocated, int owner, long requested) {
        m.write32(block, (int) size | ALLOCATED | (prevAllocated ? PREV_ALLOCATED : 0));
        m.write32(block + 4, canary(block));
        m.write32(block + 8, owner);
        m.write32(block + 12, (int) requested);
    }

    void writeFree(long block, long size, boolean prevAllocated) {
        m.write32(block, (int) size | (prevAllocated ? PREV_ALLOCATED : 0));
        m.write32(block + 4, canary(block));
        m.write64(block + 8, 0);
        m.write32(block + size - FOOTER, (int) size);
    }

    void writeEpilogue(long block, boolean prevAllocated) {
        writeUsed(block, 0, prevAllocated, 0, 0);
    }

    void setPrevAllocated(long block, boolean prevAllocated) {
        int word = m.read32(block);
        m.write32(block, prevAllocated ? word | PREV_ALLOCATED : word & ~PREV_ALLOCATED);
    }

    void clearAllocated(long block) {
        m.write32(block, m.read32(block) & ~ALLOCATED);
    }

    void setRequested(long block, long requested) {
        m.write32(block + 12, (int) requested);
    }
}
