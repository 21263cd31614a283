package org.clkernel.replacement.support;

/**
 * The resident pages in one queue, first victim first: {@link PageSlots} for lookup by page id and
 * a doubly linked list threaded through the slots. Every operation is O(1) and allocates nothing.
 *
 * <p>Invariants: the list holds every used slot once and no free one; {@code next[prev[s]] == s}
 * and {@code prev[next[s]] == s} for every linked slot; head has no predecessor, tail no successor.
 */
public final class ResidentQueue {
    private static final int NONE = PageSlots.NONE;

    private final PageSlots slots;
    private final int[] prev;
    private final int[] next;
    private int head = NONE;
    private int tail = NONE;

    public ResidentQueue(int capacity) {
        slots = new PageSlots(capacity);
        prev = new int[capacity];
        next = new int[capacity];
    }

    public int size() {
        return slots.size();
    }

    public boolean contains(long page) {
        return slots.slotOf(page) != NONE;
    }

    /** Appends a page that is not resident. */
    public void addLast(long page) {
        link(slots.add(page));
    }

    /** Moves a resident page to the back of the queue. */
    public void moveToLast(long page) {
        int slot = slotOf(page);
        if (slot != tail) {
            unlink(slot);
            link(slot);
        }
    }

    /** Moves the first page to the back, as a clock hand passes it. */
    public void rotate() {
        if (head != tail) {
            int slot = head;
            unlink(slot);
            link(slot);
        }
    }

    public long first() {
        if (head == NONE) {
            throw new IllegalStateException("no page is resident");
        }
        return slots.page(head);
    }

    public long removeFirst() {
        long page = first();
        int slot = head;
        unlink(slot);
        slots.remove(slot);
        return page;
    }

    /** Removes a resident page wherever it stands. */
    public void remove(long page) {
        int slot = slotOf(page);
        unlink(slot);
        slots.remove(slot);
    }

    /** The pages, first to last. */
    public long[] toArray() {
        long[] pages = new long[size()];
        int i = 0;
        for (int s = head; s != NONE; s = next[s]) {
            pages[i++] = slots.page(s);
        }
        return pages;
    }

    private int slotOf(long page) {
        int slot = slots.slotOf(page);
        if (slot == NONE) {
            throw new IllegalArgumentException("page " + page + " is not resident");
        }
        return slot;
    }

    private void link(int slot) {
        prev[slot] = tail;
        next[slot] = NONE;
        if (tail == NONE) {
            head = slot;
        } else {
            next[tail] = slot;
        }
        tail = slot;
    }

    private void unlink(int slot) {
        int p = prev[slot];
        int n = next[slot];
        if (p == NONE) {
            head = n;
        } else {
            next[p] = n;
        }
        if (n == NONE) {
            tail = p;
        } else {
            prev[n] = p;
        }
    }

    /**
     * Walks the list and the slot table.
     *
     * @return the first broken element, named, or {@code null} when the structure is sound
     */
    public String check() {
        String broken = slots.check();
        if (broken != null) {
            return broken;
        }
        int count = 0;
        int before = NONE;
        for (int s = head; s != NONE; before = s, s = next[s]) {
            if (++count > size()) {
                return "the list is longer than the " + size() + " resident pages (a cycle?)";
            }
            if (prev[s] != before) {
                return "slot " + s + " (page " + slots.page(s) + ") links back to slot " + prev[s] + ", not " + before;
            }
            if (slots.slotOf(slots.page(s)) != s) {
                return "slot " + s + " is linked but not in use";
            }
        }
        if (before != tail) {
            return "the list ends at slot " + before + " but the tail is slot " + tail;
        }
        if (count != size()) {
            return "the list holds " + count + " pages but " + size() + " are resident";
        }
        return null;
    }
}
