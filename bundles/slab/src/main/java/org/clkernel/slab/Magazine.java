package org.clkernel.slab;

/**
 * A magazine (Bonwick and Adams, "Magazines and Vmem", USENIX 2001, section 3): a stack of up to
 * M objects that the slab layer has handed out but that no caller holds. Each round is an object's
 * physical address in the low 32 bits and its index in its slab in the high 32 bits, so that
 * taking a round needs no division.
 */
final class Magazine {
    final long[] rounds;
    int count;

    Magazine(int size) {
        rounds = new long[size];
    }

    static long round(long pa, int index) {
        return pa | (long) index << 32;
    }

    static long address(long round) {
        return round & 0xFFFF_FFFFL;
    }

    static int index(long round) {
        return (int) (round >>> 32);
    }
}
