package org.clkernel.heap;

/**
 * Loads and stores at heap addresses, and the growth of the memory under them. The kernel heap
 * uses {@link KernelMemory}: emulated RAM reached through the kernel's page tables. A replay runs
 * the same heap code on {@link ArrayMemory}, plain Java arrays, so that it never touches the kernel
 * heap and measures the placement alone.
 *
 * <p>Word accesses are 4-byte aligned (8-byte for {@code read64}) and so never cross a page; bulk
 * accesses may.
 */
abstract class HeapMemory {
    static final long PAGE = 4096;
    /** The poison byte of freed payloads (Linux's POISON_FREE). */
    static final byte POISON = 0x6B;

    abstract int read32(long va);

    abstract void write32(long va, int value);

    abstract long read64(long va);

    abstract void write64(long va, long value);

    abstract void read(long va, byte[] into, int offset, int length);

    abstract void write(long va, byte[] from, int offset, int length);

    abstract void zero(long va, long length);

    /**
     * Maps {@code pages} zeroed pages from {@code va}, all or none.
     *
     * @return whether they were mapped
     */
    abstract boolean map(long va, long pages);

    /** Writes {@code length} bytes of {@code value}. */
    void fill(long va, long length, byte value) {
        byte[] chunk = new byte[(int) Math.min(length, PAGE)];
        java.util.Arrays.fill(chunk, value);
        for (long done = 0; done < length; done += chunk.length) {
            write(va + done, chunk, 0, (int) Math.min(chunk.length, length - done));
        }
    }

    /** The offset of the first of {@code length} bytes that is not {@code value}, or -1. */
    long firstMismatch(long va, long length, byte value) {
        byte[] chunk = new byte[(int) Math.min(length, PAGE)];
        for (long done = 0; done < length; done += chunk.length) {
            int n = (int) Math.min(chunk.length, length - done);
            read(va + done, chunk, 0, n);
            for (int i = 0; i < n; i++) {
                if (chunk[i] != value) {
                    return done + i;
                }
            }
        }
        return -1;
    }

    /** Copies {@code length} bytes; the ranges do not overlap. */
    void copy(long from, long to, long length) {
        byte[] buffer = new byte[(int) Math.min(length, PAGE)];
        for (long done = 0; done < length; done += buffer.length) {
            int n = (int) Math.min(buffer.length, length - done);
            read(from + done, buffer, 0, n);
            write(to + done, buffer, 0, n);
        }
    }
}
