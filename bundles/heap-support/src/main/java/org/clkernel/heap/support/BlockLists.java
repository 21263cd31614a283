package org.clkernel.heap.support;

import java.util.Arrays;
import java.util.function.IntFunction;
import java.util.function.LongToIntFunction;

import org.clkernel.api.heap.HeapView;

/**
 * Free blocks in doubly linked lists, one list per size class, on a {@link BlockTable}: the links
 * are int arrays indexed by slot, so adding, removing and finding a block by address is O(1) and
 * allocates nothing. A block joins its list at the head, so a list runs from the block indexed
 * last to the one indexed first. Which class a size belongs to is the strategy's business; this
 * class only remembers the list each block is on.
 *
 * <p>Invariants: every block of the table is on exactly one list, the one it records; a list's
 * head has no previous block, and {@code prev[next[s]] == s} along every list.
 */
public final class BlockLists {
    /** The end of a list. */
    public static final int NONE = BlockTable.NONE;

    private final BlockTable table = new BlockTable();
    private final int[] head;
    private int[] next;
    private int[] prev;
    private int[] listOf;

    public BlockLists(int lists) {
        head = new int[lists];
        Arrays.fill(head, NONE);
        next = new int[table.capacity()];
        prev = new int[table.capacity()];
        listOf = new int[table.capacity()];
    }

    /** How many lists there are. */
    public int lists() {
        return head.length;
    }

    /** Blocks indexed. */
    public int size() {
        return table.size();
    }

    /** The slot of an indexed block, or {@link #NONE}. */
    public int slotOf(long address) {
        return table.slotOf(address);
    }

    public long address(int slot) {
        return table.address(slot);
    }

    public long size(int slot) {
        return table.size(slot);
    }

    /** Records a new size for an indexed block that stays on its list. */
    public void setSize(int slot, long size) {
        table.setSize(slot, size);
    }

    /** The list a block is on. */
    public int listOf(int slot) {
        return listOf[slot];
    }

    /** The first block of a list, or {@link #NONE} when it is empty. */
    public int head(int list) {
        return head[list];
    }

    /** The block after this one on its list, or {@link #NONE}. */
    public int next(int slot) {
        return next[slot];
    }

    public boolean isEmpty(int list) {
        return head[list] == NONE;
    }

    /**
     * Indexes a block that is not indexed yet at the head of a list.
     *
     * @return its slot
     */
    public int add(int list, long address, long size) {
        int slot = table.add(address, size);
        if (table.capacity() > next.length) {
            next = Arrays.copyOf(next, table.capacity());
            prev = Arrays.copyOf(prev, table.capacity());
            listOf = Arrays.copyOf(listOf, table.capacity());
        }
        int first = head[list];
        next[slot] = first;
        prev[slot] = NONE;
        if (first != NONE) {
            prev[first] = slot;
        }
        head[list] = slot;
        listOf[slot] = list;
        return slot;
    }

    /**
     * Drops a block from its list and from the index.
     *
     * @return the list it was on, or {@link #NONE} when the address was not indexed
     */
    public int remove(long address) {
        int slot = table.remove(address);
        if (slot == NONE) {
            return NONE;
        }
        int list = listOf[slot]; // the links of a freed slot stay until it is handed out again
        int after = next[slot];
        int before = prev[slot];
        if (before == NONE) {
            head[list] = after;
        } else {
            next[before] = after;
        }
        if (after != NONE) {
            prev[after] = before;
        }
        return list;
    }

    /** Empties every list and the table. */
    public void clear() {
        Arrays.fill(head, NONE);
        table.clear();
    }

    /**
     * The index against itself and the heap: the address table first, then every free block of the
     * heap is indexed with its size and no other block is, then every list, walked from its head, has
     * links that agree, holds only indexed blocks that record it and whose size has its class.
     *
     * @param classOf the list a block of a given size belongs on
     * @param listName how a message names a list, for example "(3, 5)" or "class 17"
     * @return null when all agree, else the first disagreement, one line
     */
    public String check(HeapView heap, LongToIntFunction classOf, IntFunction<String> listName) {
        String problem = table.check();
        if (problem == null) {
            long[][] indexed = table.sortedByAddress();
            problem = IndexCheck.compare(heap, indexed[0], indexed[1]);
        }
        return problem != null ? problem : checkLists(classOf, listName);
    }

    private String checkLists(LongToIntFunction classOf, IntFunction<String> listName) {
        int onLists = 0;
        for (int list = 0; list < head.length; list++) {
            int before = NONE;
            for (int s = head[list]; s != NONE; before = s, s = next[s]) {
                if (!table.inUse(s)) {
                    return "list " + listName.apply(list) + " holds slot " + s + ", which is not indexed";
                }
                long address = table.address(s);
                if (prev[s] != before) {
                    return String.format("block 0x%x on list %s is not linked back to the block before it", address, listName.apply(list));
                }
                if (listOf[s] != list) {
                    return String.format("block 0x%x is on list %s but records list %s", address,
                            listName.apply(list), listName.apply(listOf[s]));
                }
                if (classOf.applyAsInt(table.size(s)) != list) {
                    return String.format("block 0x%x of %d bytes is on list %s, its class is %s", address, table.size(s),
                            listName.apply(list), listName.apply(classOf.applyAsInt(table.size(s))));
                }
                if (++onLists > table.size()) {
                    return "list " + listName.apply(list) + " runs in a cycle or the lists share blocks";
                }
            }
        }
        return onLists == table.size() ? null
                : "the lists hold " + onLists + " blocks, the address table " + table.size();
    }
}
