package org.clkernel.replacement.support;

/**
 * A list of pages from the oldest to the newest end, intrusive (the links are the pages' own
 * {@link PageLink}s, so no operation allocates) and circular around a sentinel whose
 * {@code newer} is the oldest link and whose {@code older} the newest. It serves as an LRU list
 * (oldest = least recently used: ARC's T1, T2, B1, B2, 2Q's Am), a FIFO (2Q's A1in, A1out, LIRS's
 * Q) or a stack (oldest = bottom: LIRS's S).
 *
 * <p>Invariants: every link reached from the sentinel names this list and links back to its
 * older neighbour; {@link #size()} counts them.
 *
 * @param <L> the links this list holds
 */
public final class PageList<L extends PageLink> {
    private final String name;
    private final PageLink sentinel = new PageLink(-1);
    private int size;

    /** An empty list; the name ("T1", "A1out", "S") is used in what {@link #check()} reports. */
    public PageList(String name) {
        this.name = name;
        sentinel.newer = sentinel;
        sentinel.older = sentinel;
    }

    public String name() {
        return name;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Whether the link is on this list. */
    public boolean holds(PageLink link) {
        return link.list == this;
    }

    /** The oldest link, or null when the list is empty. */
    public L oldest() {
        return size == 0 ? null : cast(sentinel.newer);
    }

    /** The next newer link, or null at the newest end: with {@link #oldest()}, a walk. */
    public L newer(L link) {
        return link.newer == sentinel ? null : cast(link.newer);
    }

    /** Links a link that is on no list at the newest end. */
    public void addNewest(L link) {
        if (link.list != null) {
            throw new IllegalStateException("page " + link.id() + " is already on " + link.list.name);
        }
        PageLink newest = sentinel.older;
        link.older = newest;
        link.newer = sentinel;
        newest.newer = link;
        sentinel.older = link;
        link.list = this;
        size++;
    }

    /** Unlinks a link that is on this list. */
    public void remove(L link) {
        if (link.list != this) {
            throw new IllegalStateException("page " + link.id() + " is not on " + name);
        }
        link.older.newer = link.newer;
        link.newer.older = link.older;
        link.older = null;
        link.newer = null;
        link.list = null;
        size--;
    }

    public void moveToNewest(L link) {
        remove(link);
        addNewest(link);
    }

    /** Unlinks every link. */
    public void clear() {
        for (L link = oldest(); link != null; link = oldest()) {
            remove(link);
        }
    }

    /**
     * Copies the ids of {@code count} links, from the oldest after skipping {@code skip}, into
     * {@code into} from {@code at}.
     */
    public void copyIds(int skip, int count, long[] into, int at) {
        if (skip < 0 || count < 0 || skip + count > size) {
            throw new IndexOutOfBoundsException(skip + " + " + count + " links of the " + size + " on " + name);
        }
        PageLink link = sentinel.newer;
        for (int i = 0; i < skip; i++) {
            link = link.newer;
        }
        for (int i = 0; i < count; i++, link = link.newer) {
            into[at + i] = link.id();
        }
    }

    /**
     * Walks the list. Returns null when every link is mutual, every link names this list and the
     * count is {@link #size()}; otherwise describes the first broken link.
     */
    public String check() {
        int n = 0;
        PageLink prev = sentinel;
        for (PageLink l = sentinel.newer; l != sentinel; l = l.newer) {
            if (l == null) {
                return name + ": broken link after " + n + " pages";
            }
            if (l.list != this) {
                return name + ": page " + l.id() + " is linked here but names " + (l.list == null ? "no list" : l.list.name);
            }
            if (l.older != prev) {
                return name + ": page " + l.id() + " does not link back to its older neighbour";
            }
            if (++n > size) {
                return name + ": more than " + size + " pages linked";
            }
            prev = l;
        }
        if (sentinel.older != prev) {
            return name + ": the newest end does not link back to the last page";
        }
        return n == size ? null : name + ": " + n + " pages linked, " + size + " counted";
    }

    @SuppressWarnings("unchecked") // every link but the sentinel was added as an L
    private L cast(PageLink link) {
        return (L) link;
    }
}
