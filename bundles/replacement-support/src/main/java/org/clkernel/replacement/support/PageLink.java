package org.clkernel.replacement.support;

/**
 * A page's place on one {@link PageList}. A policy whose pages are on one list at a time makes its
 * page class a link (ARC, 2Q); one whose pages can be on several lists at once gives each page a
 * link for every list (LIRS's stack S, queue Q and non-resident list).
 *
 * <p>Invariant: a link is on at most one list, the one {@link #list()} names; its neighbours are
 * null when it is on none.
 */
public class PageLink {
    private final long id;
    PageList<?> list;
    PageLink older;
    PageLink newer;

    protected PageLink(long id) {
        this.id = id;
    }

    /** The page id. */
    public final long id() {
        return id;
    }

    /** The list this link is on, or null. */
    public final PageList<?> list() {
        return list;
    }
}
