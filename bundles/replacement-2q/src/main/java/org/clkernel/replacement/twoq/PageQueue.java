package org.clkernel.replacement.twoq;

/**
 * One of 2Q's queues (A1in and A1out FIFO, Am LRU), intrusive and circular around a sentinel whose
 * {@code newer} is the oldest page and whose {@code older} is the newest. Every page linked here
 * has {@code queue == this}; {@link #size} counts them.
 */
final class PageQueue {
    final String name;
    /** A1in and Am hold resident pages, A1out identifiers only. */
    final boolean resident;
    private final Page sentinel = new Page(-1);
    private int size;

    PageQueue(String name, boolean resident) {
        this.name = name;
        this.resident = resident;
        sentinel.newer = sentinel;
        sentinel.older = sentinel;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The oldest page (the tail, in the paper's words), or null when empty. */
    Page oldest() {
        return size == 0 ? null : sentinel.newer;
    }

    /** Links a page that is on no queue at the newest end (the head). */
    void addNewest(Page page) {
        Page newest = sentinel.older;
        page.older = newest;
        page.newer = sentinel;
        newest.newer = page;
        sentinel.older = page;
        page.queue = this;
        size++;
    }

    void remove(Page page) {
        page.older.newer = page.newer;
        page.newer.older = page.older;
        page.older = null;
        page.newer = null;
        page.queue = null;
        size--;
    }

    void moveToNewest(Page page) {
        remove(page);
        addNewest(page);
    }

    /** Copies {@code count} page ids into {@code into} from {@code at}, skipping the {@code skip} oldest. */
    void copyFromOldest(int skip, int count, long[] into, int at) {
        Page p = sentinel.newer;
        for (int i = 0; i < skip; i++) {
            p = p.newer;
        }
        for (int i = 0; i < count; i++, p = p.newer) {
            into[at + i] = p.id;
        }
    }

    /**
     * Walks the queue. Returns null when every link is mutual, every page names this queue and
     * the count is {@link #size}; otherwise describes the first broken page.
     */
    String check() {
        int n = 0;
        Page prev = sentinel;
        for (Page p = sentinel.newer; p != sentinel; p = p.newer) {
            if (p == null) {
                return name + ": broken link after " + n + " pages";
            }
            if (p.queue != this) {
                return name + ": page " + p.id + " is linked here but names " + (p.queue == null ? "no queue" : p.queue.name);
            }
            if (p.older != prev) {
                return name + ": page " + p.id + " does not link back to its older neighbour";
            }
            if (++n > size) {
                return name + ": more than " + size + " pages linked";
            }
            prev = p;
        }
        if (sentinel.older != prev) {
            return name + ": the newest end does not link back to the last page";
        }
        return n == size ? null : name + ": " + n + " pages linked, " + size + " counted";
    }
}
