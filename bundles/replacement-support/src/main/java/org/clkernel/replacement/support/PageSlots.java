package org.clkernel.replacement.support;

import java.util.Arrays;

/**
 * The resident pages of a policy, each in a slot 0 to capacity - 1, found by page id through an
 * open-addressing hash table (linear probing, backward-shift deletion). The policy keeps its own
 * per-slot data in arrays indexed by slot, so neither lookups nor updates allocate.
 *
 * <p>Invariants: the table is at most half full; no empty bucket lies between a page's home
 * bucket (its hash) and the bucket that holds its slot; a slot is either in use (in the table
 * once) or on the free stack (once), never both.
 */
public final class PageSlots {
    /** The slot of a page that is not resident. */
    public static final int NONE = -1;

    private final long[] pageOf;
    private final int[] table;
    private final int shift;
    private final int[] freeSlots;
    private int free;

    public PageSlots(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a policy needs at least 1 frame, not " + capacity);
        }
        int buckets = Integer.highestOneBit(Math.max(4, capacity) * 2 - 1) << 1;
        pageOf = new long[capacity];
        table = new int[buckets];
        Arrays.fill(table, NONE);
        shift = 64 - Integer.numberOfTrailingZeros(buckets);
        freeSlots = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            freeSlots[i] = capacity - 1 - i; // slot 0 is handed out first
        }
        free = capacity;
    }

    public int capacity() {
        return pageOf.length;
    }

    public int size() {
        return pageOf.length - free;
    }

    /** The page in a used slot. */
    public long page(int slot) {
        return pageOf[slot];
    }

    /** The slot of a resident page, or {@link #NONE}. */
    public int slotOf(long page) {
        int mask = table.length - 1;
        for (int b = bucket(page); ; b = (b + 1) & mask) {
            int slot = table[b];
            if (slot == NONE || pageOf[slot] == page) {
                return slot;
            }
        }
    }

    /** Gives a page that is not resident a slot. */
    public int add(long page) {
        int mask = table.length - 1;
        int b = bucket(page);
        for (; table[b] != NONE; b = (b + 1) & mask) {
            if (pageOf[table[b]] == page) {
                throw new IllegalStateException("page " + page + " is already resident");
            }
        }
        if (free == 0) {
            throw new IllegalStateException("page " + page + " admitted while all " + pageOf.length + " frames are in use");
        }
        int slot = freeSlots[--free];
        pageOf[slot] = page;
        table[b] = slot;
        return slot;
    }

    /** Frees a used slot. */
    public void remove(int slot) {
        int mask = table.length - 1;
        int b = bucket(pageOf[slot]);
        while (table[b] != slot) {
            b = (b + 1) & mask;
        }
        // Backward shift: move later entries of the run into the hole when their home bucket
        // does not lie (cyclically) between the hole and their bucket, so no lookup ever stops early.
        for (int hole = b, i = (b + 1) & mask; ; i = (i + 1) & mask) {
            int s = table[i];
            if (s == NONE) {
                table[hole] = NONE;
                break;
            }
            int home = bucket(pageOf[s]);
            if (((i - home) & mask) >= ((i - hole) & mask)) {
                table[hole] = s;
                hole = i;
            }
        }
        freeSlots[free++] = slot;
    }

    private int bucket(long page) {
        return (int) ((page * 0x9E3779B97F4A7C15L) >>> shift); // Fibonacci hashing: dense ids spread
    }

    /**
     * Walks the table and the free stack.
     *
     * @return the first broken element, named, or {@code null} when the structure is sound
     */
    public String check() {
        boolean[] seen = new boolean[pageOf.length];
        int used = 0;
        for (int b = 0; b < table.length; b++) {
            int slot = table[b];
            if (slot == NONE) {
                continue;
            }
            if (slot < 0 || slot >= pageOf.length) {
                return "bucket " + b + " holds slot " + slot + ", outside 0.." + (pageOf.length - 1);
            }
            if (seen[slot]) {
                return "slot " + slot + " is in the table twice";
            }
            seen[slot] = true;
            used++;
            if (slotOf(pageOf[slot]) != slot) {
                return "page " + pageOf[slot] + " in slot " + slot + " (bucket " + b + ") is not found by a lookup";
            }
        }
        if (used != size()) {
            return "the table holds " + used + " pages but " + size() + " slots are in use";
        }
        if (used * 2 > table.length) {
            return "the table is more than half full";
        }
        for (int i = 0; i < free; i++) {
            int slot = freeSlots[i];
            if (slot < 0 || slot >= pageOf.length || seen[slot]) {
                return "free slot " + slot + " is out of range, in use or free twice";
            }
            seen[slot] = true;
        }
        return null;
    }
}
