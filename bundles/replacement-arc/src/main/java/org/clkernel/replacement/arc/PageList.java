package org.clkernel.replacement.arc;

/**
 * One of ARC's four LRU lists, intrusive and circular around a sentinel: the sentinel's
 * {@code older} is the MRU page, its {@code newer} the LRU page. Every page linked here has
 * {@code list == this}; {@link #size} counts them.
 */
final class PageList {
    final String name;
    /** T1 and T2 hold resident pages, B1 and B2 ghosts. */
    final boolean resident;
    private final Page sentinel = new Page(-1);
    private int size;

    PageList(String name, boolean resident) {
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

    /** The least recently used page, or null when empty. */
    Page lru() {
        return size == 0 ? null : sentinel.newer;
    }

    /** Links a page that is in no list at the MRU end. */
    void addMru(Page page) {
        Page mru = sentinel.older;
        page.older = mru;
        page.newer = sentinel;
        mru.newer = page;
        sentinel.older = page;
        page.list = this;
        size++;
    }

    void remove(Page page) {
        page.older.newer = page.newer;
        page.newer.older = page.older;
        page.older = null;
        page.newer = null;
        page.list = null;
        size--;
    }

    void moveToMru(Page page) {
        remove(page);
        addMru(page);
    }

    /** Copies the page ids from the LRU end, at most {@code count} of them, into {@code into} from {@code at}. */
    int copyFromLru(long[] into, int at, int count) {
        int n = 0;
        for (Page p = sentinel.newer; p != sentinel && n < count; p = p.newer) {
            into[at + n++] = p.id;
        }
        return n;
    }

    /**
     * Walks the list both ways. Returns null when every link is mutual, every page names this
     * list and the count is {@link #size}; otherwise describes the first broken page.
     */
    String check() {
        int n = 0;
        Page prev = sentinel;
        for (Page p = sentinel.newer; p != sentinel; p = p.newer) {
            if (p == null) {
                return name + ": broken link after " + n + " pages";
            }
            if (p.list != this) {
                return name + ": page " + p.id + " is linked here but names " + (p.list == null ? "no list" : p.list.name);
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
            return name + ": the MRU end does not link back to the last page";
        }
        return n == size ? null : name + ": " + n + " pages linked, " + size + " counted";
    }
}
