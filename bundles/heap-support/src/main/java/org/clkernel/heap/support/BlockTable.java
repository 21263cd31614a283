package org.clkernel.heap.support;

import java.util.Arrays;

/**
 * The free blocks of an index, each in a slot with its address and size, found by address through
 * an open-addressing hash table (linear probing, backward-shift deletion). Slots are small ints, so
 * a strategy keeps its own per-block data (links, classes) in int arrays indexed by slot, and
 * neither a lookup nor an update allocates. Both the slots and the table grow by doubling.
 *
 * <p>Invariants: the table is at most half full; no empty bucket lies between a block's home
 * bucket and the bucket that holds its slot; a slot below {@link #highWater()} is either in use
 * (in the table once) or on the free stack (once), never both.
 */
public final class BlockTable {
    /** The slot of an address that is not in the table. */
    public static final int NONE = -1;

    private long[] address;
    private long[] size;
    private int[] table;
    /** The address of the block in each bucket, so that a probe compares without leaving the table. */
    private long[] bucketKey;
    private int shift;
    private int[] freeSlots;
    private int free;
    /** Slots at or above this one were never handed out. */
    private int highWater;
    private int used;

    public BlockTable() {
        this(64);
    }

    public BlockTable(int capacity) {
        int slots = Math.max(4, capacity);
        address = new long[slots];
        size = new long[slots];
        freeSlots = new int[slots];
        allocateTable(Integer.highestOneBit(slots * 2 - 1) << 1);
    }

    /** Slots the per-slot arrays hold now: a strategy's own arrays must be at least this long. */
    public int capacity() {
        return address.length;
    }

    /** Blocks in the table. */
    public int size() {
        return used;
    }

    /** One more than the highest slot ever handed out since the last {@link #clear()}. */
    public int highWater() {
        return highWater;
    }

    public long address(int slot) {
        return address[slot];
    }

    public long size(int slot) {
        return size[slot];
    }

    /** Records a new size for the block in a used slot. */
    public void setSize(int slot, long newSize) {
        size[slot] = newSize;
    }

    /** Whether a slot is in use (in the table), for walks over 0 .. {@link #highWater()}. */
    public boolean inUse(int slot) {
        return slot >= 0 && slot < highWater && slotOf(address[slot]) == slot;
    }

    /** The slot of a block, or {@link #NONE}. */
    public int slotOf(long blockAddress) {
        int mask = table.length - 1;
        for (int b = bucket(blockAddress); ; b = (b + 1) & mask) {
            int slot = table[b];
            if (slot == NONE || bucketKey[b] == blockAddress) {
                return slot;
            }
        }
    }

    /**
     * Gives a block that is not in the table a slot. The slot arrays may grow: read
     * {@link #capacity()} afterwards.
     *
     * @throws IllegalStateException when the address is in the table already
     */
    public int add(long blockAddress, long blockSize) {
        if ((used + 1) * 2 > table.length) {
            int[] old = table;
            allocateTable(old.length * 2);
            for (int s : old) {
                if (s != NONE) {
                    insert(s);
                }
            }
        }
        int slot;
        if (free > 0) {
            slot = freeSlots[--free];
        } else {
            if (highWater == address.length) {
                int grown = address.length * 2;
                address = Arrays.copyOf(address, grown);
                size = Arrays.copyOf(size, grown);
                freeSlots = Arrays.copyOf(freeSlots, grown);
            }
            slot = highWater++;
        }
        address[slot] = blockAddress;
        size[slot] = blockSize;
        if (!insert(slot)) {
            freeSlots[free++] = slot;
            throw new IllegalStateException(String.format("block 0x%x is in the table already", blockAddress));
        }
        used++;
        return slot;
    }

    /** Frees a used slot. */
    public void removeSlot(int slot) {
        int mask = table.length - 1;
        int b = bucket(address[slot]);
        while (table[b] != slot) {
            b = (b + 1) & mask;
        }
        removeBucket(b);
    }

    /**
     * Frees the slot of a block, with one probe. Its address and size stay readable until the
     * next {@link #add}.
     *
     * @return the slot it had, or {@link #NONE} when the address was not in the table
     */
    public int remove(long blockAddress) {
        int mask = table.length - 1;
        for (int b = bucket(blockAddress); ; b = (b + 1) & mask) {
            int slot = table[b];
            if (slot == NONE) {
                return NONE;
            }
            if (bucketKey[b] == blockAddress) {
                removeBucket(b);
                return slot;
            }
        }
    }

    private void removeBucket(int b) {
        int mask = table.length - 1;
        int slot = table[b];
        // Backward shift: move later entries of the run into the hole unless their home bucket lies
        // (cyclically) after the hole, so that no lookup ever stops at an empty bucket too early.
        for (int hole = b, i = (b + 1) & mask; ; i = (i + 1) & mask) {
            int s = table[i];
            if (s == NONE) {
                table[hole] = NONE;
                break;
            }
            int home = bucket(bucketKey[i]);
            if (((i - home) & mask) >= ((i - hole) & mask)) {
                table[hole] = s;
                bucketKey[hole] = bucketKey[i];
                hole = i;
            }
        }
        freeSlots[free++] = slot;
        used--;
    }

    /** Empties the table; the arrays keep their size. */
    public void clear() {
        Arrays.fill(table, NONE);
        free = 0;
        highWater = 0;
        used = 0;
    }

    /** Whether the index holds no block. */
    public boolean isEmpty() {
        return used == 0;
    }

    /**
     * The addresses and sizes of every block in the table, sorted by address: {@code out[0]} the
     * addresses, {@code out[1]} the sizes, both of length {@link #size()}.
     */
    public long[][] sortedByAddress() {
        long[] keys = new long[used];
        int n = 0;
        for (int slot : table) {
            if (slot != NONE && n < keys.length) {
                keys[n++] = address[slot];
            }
        }
        Arrays.sort(keys, 0, n);
        long[] sizes = new long[n];
        for (int i = 0; i < n; i++) {
            sizes[i] = size[slotOf(keys[i])];
        }
        return new long[][] {Arrays.copyOf(keys, n), sizes};
    }

    /**
     * Walks the table and the free stack.
     *
     * @return the first broken element, named, or {@code null} when the structure is sound
     */
    public String check() {
        boolean[] seen = new boolean[highWater];
        int n = 0;
        for (int b = 0; b < table.length; b++) {
            int slot = table[b];
            if (slot == NONE) {
                continue;
            }
            if (slot < 0 || slot >= highWater) {
                return "bucket " + b + " holds slot " + slot + ", outside 0.." + (highWater - 1);
            }
            if (seen[slot]) {
                return "slot " + slot + " is in the address table twice";
            }
            seen[slot] = true;
            n++;
            if (bucketKey[b] != address[slot]) {
                return String.format("bucket %d names block 0x%x, its slot %d holds 0x%x", b, bucketKey[b], slot, address[slot]);
            }
            if (slotOf(address[slot]) != slot) {
                return String.format("block 0x%x in slot %d (bucket %d) is not found by a lookup", address[slot], slot, b);
            }
        }
        if (n != used) {
            return "the address table holds " + n + " blocks, its count says " + used;
        }
        if (n * 2 > table.length) {
            return "the address table is more than half full";
        }
        if (n + free != highWater) {
            return "of " + highWater + " slots " + n + " are used and " + free + " free";
        }
        for (int i = 0; i < free; i++) {
            int slot = freeSlots[i];
            if (slot < 0 || slot >= highWater || seen[slot]) {
                return "free slot " + slot + " is out of range, in use or free twice";
            }
            seen[slot] = true;
        }
        return null;
    }

    /** Puts a slot into its bucket run. @return false when its address is there already */
    private boolean insert(int slot) {
        int mask = table.length - 1;
        long key = address[slot];
        int b = bucket(key);
        for (; table[b] != NONE; b = (b + 1) & mask) {
            if (bucketKey[b] == key) {
                return false;
            }
        }
        table[b] = slot;
        bucketKey[b] = key;
        return true;
    }

    private void allocateTable(int buckets) {
        table = new int[buckets];
        bucketKey = new long[buckets];
        Arrays.fill(table, NONE);
        shift = 64 - Integer.numberOfTrailingZeros(buckets);
    }

    private int bucket(long key) {
        // Fibonacci hashing: the top bits of the product, so addresses 8 or 4096 apart spread out
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    }
}
