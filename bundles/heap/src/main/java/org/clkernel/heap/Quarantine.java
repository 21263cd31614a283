package org.clkernel.heap;

/**
 * Freed blocks waiting to become reusable, oldest first. A block in quarantine keeps its place and
 * its allocated bit (so no neighbour merges with it), is marked quarantined in its header and has
 * its payload poisoned; when it leaves, the poison is checked, so a write after free is caught.
 * The order is a Java cache: a new heap instance rebuilds it from the blocks' free times.
 */
final class Quarantine {
    private long[] ring = new long[64];
    private int head;
    private int count;
    private long bytes;

    void add(long block, long size) {
        if (count == ring.length) {
            long[] bigger = new long[2 * ring.length];
            for (int i = 0; i < count; i++) {
                bigger[i] = ring[(head + i) % ring.length];
            }
            ring = bigger;
            head = 0;
        }
        ring[(head + count++) % ring.length] = block;
        bytes += size;
    }

    /** The oldest block, taken out; the caller says how big it was. */
    long poll(long size) {
        long block = ring[head];
        head = (head + 1) % ring.length;
        count--;
        bytes -= size;
        return block;
    }

    long oldest() {
        return ring[head];
    }

    int count() {
        return count;
    }

    long bytes() {
        return bytes;
    }
}
