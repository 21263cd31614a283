package org.clkernel.heap.replay;

/**
 * The heap a trace is replayed on, as the replay sees it: the three calls a trace makes, raw access
 * to the payloads so the replay can tell whether the heap keeps them, the heap's extent for the
 * bounds check and for utilization, and its own integrity check. The heap under test implements
 * it; the replay never assumes more of it than this.
 */
public interface ReplayTarget {
    /** @return the payload address of a block of at least {@code size} bytes, or 0 when out of memory */
    long malloc(long size);

    /**
     * Resizes a live block, keeping its contents up to the smaller of the two sizes.
     *
     * @return the new payload address, or 0 when out of memory (the old block is kept as it was)
     */
    long realloc(long address, long size);

    void free(long address);

    /** Writes {@code length} bytes of {@code value} from {@code address}. */
    void fill(long address, byte value, long length);

    /** @return the offset from {@code address} of the first of {@code length} bytes that is not {@code value}, or -1 */
    long firstMismatch(long address, byte value, long length);

    /** The lowest payload address possible. */
    long heapStart();

    /** The end of the heap now (exclusive): no payload may reach past it. */
    long heapEnd();

    /** The bytes of memory the heap spans now, its size. */
    long heapBytes();

    /** The heap's integrity check: null when sound, else what is broken, in one line. */
    String check();
}
