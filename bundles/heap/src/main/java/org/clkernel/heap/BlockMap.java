package org.clkernel.heap;

import java.util.Arrays;

/**
 * A set of block starts, as one bit per 8-byte granule of the block area. The heap keeps two, Java
 * caches of what the boundary tags say, rebuilt by the walk when a heap instance attaches: the free
 * blocks, so that it can visit them without walking the allocated ones (which keeps a strategy's
 * rebuild, and so the swap pause, proportional to the free blocks alone); and the allocated ones,
 * so that a free of anything else is refused whatever bytes lie at the address.
 */
final class BlockMap {
    private final long base;
    private long[] bits = new long[64];
    private long count;
    private long bytes;

    /** @param base the address of the first block */
    BlockMap(long base) {
        this.base = base;
    }

    void add(long block, long size) {
        long g = (block - base) >>> 3;
        int word = (int) (g >>> 6);
        if (word >= bits.length) {
            bits = Arrays.copyOf(bits, Math.max(word + 1, 2 * bits.length));
        }
        bits[word] |= 1L << g;
        count++;
        bytes += size;
    }

    void remove(long block, long size) {
        long g = (block - base) >>> 3;
        bits[(int) (g >>> 6)] &= ~(1L << g);
        count--;
        bytes -= size;
    }

    /** Removes a block start if it is in the set. @return whether it was */
    boolean removeIfPresent(long block, long size) {
        if (!contains(block)) {
            return false;
        }
        remove(block, size);
        return true;
    }

    boolean contains(long block) {
        long g = (block - base) >>> 3;
        int word = (int) (g >>> 6);
        return block >= base && word < bits.length && (bits[word] & 1L << g) != 0;
    }

    /** The first free block at or after {@code from}, or -1. */
    long next(long from) {
        long g = Math.max(0, from - base) >>> 3;
        int word = (int) (g >>> 6);
        if (word >= bits.length) {
            return -1;
        }
        long w = bits[word] & (-1L << g);
        while (w == 0) {
            if (++word == bits.length) {
                return -1;
            }
            w = bits[word];
        }
        return base + (((long) word << 6) + Long.numberOfTrailingZeros(w) << 3);
    }

    long count() {
        return count;
    }

    long bytes() {
        return bytes;
    }

    void clear() {
        Arrays.fill(bits, 0);
        count = 0;
        bytes = 0;
    }
}
