package org.clkernel.heap;

/**
 * The boundary tags of heap blocks in RAM. A block is {@link #HEADER} bytes of header and its
 * payload; a free block also ends with a footer holding its size, so the block after it can find
 * its start and coalesce backwards.
 *
 * <pre>
 * header +0  u32 size | ALLOCATED (bit 0) | PREV_ALLOCATED (bit 1) | QUARANTINED (bit 2); size a multiple of 8
 *        +4  u32 canary: CANARY ^ block address
 *        +8  u32 owner actor (bits 0-11) | slack (bits 12-23) | allocation site (bits 24-31)
 *        +12 u32 allocation time: milliseconds since the heap was formatted (a quarantined block: when it was freed)
 * footer size-8 u32 size (free blocks only)
 * </pre>
 * The slack is the payload the caller did not ask for: {@code size - HEADER - requested}. It stays
 * below {@code MIN_BLOCK + ALIGN}, since a block is cut whenever its rest could be a block.
 *
 * <p>Invariants: a block's PREV_ALLOCATED bit is the ALLOCATED bit of the block before it; no two
 * free blocks are adjacent; a quarantined block is also ALLOCATED (freed, but not reusable yet, so
 * no neighbour merges with it); the epilogue, a header of size 0 marked allocated, ends the heap.
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
    static final int QUARANTINED = 4;
    static final int OWNER_MASK = 0xFFF;
    static final int MAX_SLACK = 0xFFF;
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

    int word(long block) {
        return m.read32(block);
    }

    static long size(int word) {
        return word & 0xFFFFFFFFL & ~FLAGS;
    }

    long size(long block) {
        return size(word(block));
    }

    /** Whether the flag bits make sense: a quarantined block is allocated. */
    boolean sizeWordOk(long block) {
        int w = word(block);
        return (w & QUARANTINED) == 0 || (w & ALLOCATED) != 0;
    }

    boolean allocated(long block) {
        return (word(block) & ALLOCATED) != 0;
    }

    boolean prevAllocated(long block) {
        return (word(block) & PREV_ALLOCATED) != 0;
    }

    boolean quarantined(long block) {
        return (word(block) & QUARANTINED) != 0;
    }

    int storedCanary(long block) {
        return m.read32(block + 4);
    }

    boolean canaryOk(long block) {
        return storedCanary(block) == canary(block);
    }

    /** The word of owner, slack and site. */
    int info(long block) {
        return m.read32(block + 8);
    }

    static int owner(int info) {
        return info & OWNER_MASK;
    }

    /** The bytes asked for, from a block's size word and info word. */
    static long requested(int word, int info) {
        return size(word) - HEADER - ((info >>> 12) & MAX_SLACK);
    }

    int owner(long block) {
        return owner(info(block));
    }

    int site(long block) {
        return info(block) >>> 24;
    }

    long requested(long block) {
        return requested(word(block), info(block));
    }

    /** The block's time stamp: allocated at, or freed at when quarantined (ms since the heap's epoch). */
    long time(long block) {
        return m.read32(block + 12) & 0xFFFFFFFFL;
    }

    long footer(long block, long size) {
        return m.read32(block + size - FOOTER) & 0xFFFFFFFFL;
    }

    /** The size in the footer of the block that ends at {@code block}. */
    long sizeBefore(long block) {
        return m.read32(block - FOOTER) & 0xFFFFFFFFL;
    }

    /**
     * Writes an allocated block's header. A block that only passes through the allocated state on
     * its way to being freed (a cut-off rest, new pages) has its slack capped: nobody reads it.
     */
    void writeUsed(long block, long size, boolean prevAllocated, int owner, long requested, int site, long time) {
        long slack = Math.min(MAX_SLACK, size - HEADER - requested);
        m.write32(block, (int) size | ALLOCATED | (prevAllocated ? PREV_ALLOCATED : 0));
        m.write32(block + 4, canary(block));
        m.write32(block + 8, (owner & OWNER_MASK) | (int) slack << 12 | site << 24);
        m.write32(block + 12, (int) time);
    }

    /** {@link #writeUsed} for a block that was free: its header has the canary of its position already. */
    void allocateFree(long block, long size, boolean prevAllocated, int owner, long requested, int site, long time) {
        long slack = Math.min(MAX_SLACK, size - HEADER - requested);
        m.write32(block, (int) size | ALLOCATED | (prevAllocated ? PREV_ALLOCATED : 0));
        m.write32(block + 8, (owner & OWNER_MASK) | (int) slack << 12 | site << 24);
        m.write32(block + 12, (int) time);
    }

    /** Rewrites an allocated block's size and requested bytes, keeping owner, site and time. */
    void resizeUsed(long block, long size, long requested) {
        int info = info(block);
        long slack = Math.min(MAX_SLACK, size - HEADER - requested);
        m.write32(block, (int) size | ALLOCATED | (word(block) & PREV_ALLOCATED));
        m.write32(block + 8, (info & ~(MAX_SLACK << 12)) | (int) slack << 12);
    }

    /** Writes a free block's header and footer; the rest of a free header means nothing. */
    void writeFree(long block, long size, boolean prevAllocated) {
        m.write32(block, (int) size | (prevAllocated ? PREV_ALLOCATED : 0));
        m.write32(block + 4, canary(block));
        m.write32(block + size - FOOTER, (int) size);
    }

    void writeEpilogue(long block, boolean prevAllocated) {
        writeUsed(block, 0, prevAllocated, 0, -HEADER, 0, 0);
    }

    void setPrevAllocated(long block, boolean prevAllocated) {
        int word = word(block);
        m.write32(block, prevAllocated ? word | PREV_ALLOCATED : word & ~PREV_ALLOCATED);
    }

    /** Marks an allocated block quarantined, freed at {@code time}. */
    void quarantine(long block, long time) {
        m.write32(block, word(block) | QUARANTINED);
        m.write32(block + 12, (int) time);
    }
}
