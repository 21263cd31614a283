package org.clkernel.machine;

import java.util.ArrayList;
import java.util.List;

import org.clkernel.api.machine.TlbEntry;

/**
 * A direct-mapped TLB of 4 KiB translations, indexed by linear page number modulo its capacity.
 * A 4 MiB page is cached as 4 KiB pieces (one per page touched), each marked {@link #LARGE} so that
 * an INVLPG anywhere in the large page drops all of them, as the SDM requires.
 *
 * <p>Each slot is two ints: {@code word} holds the linear page address (bits 31:12) and the flags
 * below; {@code frame} holds the physical page address. A slot is in use iff {@link #VALID} is set.
 * The owning context reads the arrays directly on its fast path.
 */
final class Tlb {
    static final int VALID = 1;
    static final int WRITABLE = 1 << 1;
    static final int USER = 1 << 2;
    static final int DIRTY = 1 << 3;
    static final int GLOBAL = 1 << 4;
    static final int LARGE = 1 << 5;
    static final int PAGE = 0xFFFFF000;

    final int[] word;
    final int[] frame;
    final int mask;

    Tlb(int capacity) {
        if (capacity < 1 || capacity > 4096 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("TLB capacity must be a power of two from 1 to 4096, not " + capacity);
        }
        word = new int[capacity];
        frame = new int[capacity];
        mask = capacity - 1;
    }

    int capacity() {
        return word.length;
    }

    static int slot(int linear, int mask) {
        return (linear >>> 12) & mask;
    }

    void fill(int linear, int physicalPage, int flags) {
        int i = slot(linear, mask);
        word[i] = (linear & PAGE) | flags | VALID;
        frame[i] = physicalPage & PAGE;
    }

    /** The slot caching this linear page, or -1. */
    int lookup(int linear) {
        int i = slot(linear, mask);
        int w = word[i];
        return (w & VALID) != 0 && ((w ^ linear) & PAGE) == 0 ? i : -1;
    }

    /** INVLPG: the entry for this page, and every piece of a 4 MiB page that holds it. */
    void invalidate(int linear) {
        int i = lookup(linear);
        if (i >= 0) {
            word[i] = 0;
        }
        for (int j = 0; j < word.length; j++) {
            int w = word[j];
            if ((w & (VALID | LARGE)) == (VALID | LARGE) && ((w ^ linear) & 0xFFC00000) == 0) {
                word[j] = 0;
            }
        }
    }

    /** A CR3 load: everything but global entries. */
    void flushNonGlobal() {
        for (int j = 0; j < word.length; j++) {
            if ((word[j] & GLOBAL) == 0) {
                word[j] = 0;
            }
        }
    }

    void flushAll() {
        java.util.Arrays.fill(word, 0);
    }

    List<TlbEntry> entries() {
        List<TlbEntry> entries = new ArrayList<>();
        for (int j = 0; j < word.length; j++) {
            int w = word[j];
            if ((w & VALID) != 0) {
                entries.add(new TlbEntry(w & PAGE & 0xFFFFFFFFL, frame[j] & 0xFFFFFFFFL, (w & LARGE) != 0,
                        (w & WRITABLE) != 0, (w & USER) != 0, (w & DIRTY) != 0, (w & GLOBAL) != 0));
            }
        }
        return entries;
    }
}
