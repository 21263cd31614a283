package org.clkernel.replacement.opt;

import java.util.Arrays;

import org.clkernel.replacement.support.PageSlots;

/**
 * The resident pages keyed by next use, farthest first: {@link PageSlots} for lookup by page id and
 * an indexed binary max-heap of slots, so a key changes in O(log n) without allocating.
 *
 * <p>Order: a page comes before another when its next use is later, or, with equal next uses
 * (both never used again, the only way two can tie), when its id is smaller.
 *
 * <p>Invariants: the heap holds every used slot once; {@code position[heap[i]] == i}; no slot
 * comes before its parent.
 */
final class NextUseHeap {
    private final PageSlots slots;
    private final long[] nextUse;
    private final int[] heap;
    private final int[] position;

    NextUseHeap(int capacity) {
        slots = new PageSlots(capacity);
        nextUse = new long[capacity];
        heap = new int[capacity];
        position = new int[capacity];
    }

    int size() {
        return slots.size();
    }

    /** Adds a page that is not resident. */
    void add(long page, long next) {
        int slot = slots.add(page);
        int i = slots.size() - 1;
        nextUse[slot] = next;
        heap[i] = slot;
        position[slot] = i;
        siftUp(i);
    }

    /** Gives a resident page a new next use. */
    void update(long page, long next) {
        int slot = slotOf(page);
        long old = nextUse[slot];
        nextUse[slot] = next;
        if (next > old) {
            siftUp(position[slot]);
        } else {
            siftDown(position[slot]);
        }
    }

    /** Removes the page with the farthest next use. */
    long removeFirst() {
        if (size() == 0) {
            throw new IllegalStateException("no page is resident");
        }
        long page = slots.page(heap[0]);
        removeAt(0);
        return page;
    }

    void remove(long page) {
        removeAt(position[slotOf(page)]);
    }

    /** The pages, farthest next use first. */
    long[] toArray() {
        Integer[] order = new Integer[size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = heap[i];
        }
        Arrays.sort(order, (a, b) -> before(a, b) ? -1 : before(b, a) ? 1 : 0);
        long[] pages = new long[order.length];
        for (int i = 0; i < pages.length; i++) {
            pages[i] = slots.page(order[i]);
        }
        return pages;
    }

    private int slotOf(long page) {
        int slot = slots.slotOf(page);
        if (slot == PageSlots.NONE) {
            throw new IllegalArgumentException("page " + page + " is not resident");
        }
        return slot;
    }

    private void removeAt(int i) {
        int slot = heap[i];
        int last = slots.size() - 1;
        slots.remove(slot);
        if (i != last) {
            int moved = heap[last];
            heap[i] = moved;
            position[moved] = i;
            siftUp(i);
            siftDown(position[moved]);
        }
    }

    /** Whether slot a is evicted before slot b. */
    private boolean before(int a, int b) {
        return nextUse[a] > nextUse[b] || nextUse[a] == nextUse[b] && slots.page(a) < slots.page(b);
    }

    private void siftUp(int i) {
        int slot = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(slot, heap[parent])) {
                break;
            }
            heap[i] = heap[parent];
            position[heap[i]] = i;
            i = parent;
        }
        heap[i] = slot;
        position[slot] = i;
    }

    private void siftDown(int i) {
        int n = slots.size();
        int slot = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= n) {
                break;
            }
            if (child + 1 < n && before(heap[child + 1], heap[child])) {
                child++;
            }
            if (!before(heap[child], slot)) {
                break;
            }
            heap[i] = heap[child];
            position[heap[i]] = i;
            i = child;
        }
        heap[i] = slot;
        position[slot] = i;
    }

    /**
     * Walks the heap and the slot table.
     *
     * @return the first broken element, named, or {@code null} when the structure is sound
     */
    String check() {
        String broken = slots.check();
        if (broken != null) {
            return broken;
        }
        for (int i = 0; i < size(); i++) {
            int slot = heap[i];
            if (slots.slotOf(slots.page(slot)) != slot) {
                return "heap entry " + i + " is slot " + slot + ", which is not in use";
            }
            if (position[slot] != i) {
                return "slot " + slot + " (page " + slots.page(slot) + ") is at heap entry " + i + " but records " + position[slot];
            }
            if (i > 0 && before(slot, heap[(i - 1) >>> 1])) {
                return "page " + slots.page(slot) + " (next use " + nextUse[slot] + ") comes before its parent in the heap";
            }
        }
        return null;
    }
}
