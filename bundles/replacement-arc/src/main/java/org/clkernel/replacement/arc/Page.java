package org.clkernel.replacement.arc;

/**
 * A page ARC knows: resident in T1 or T2, or a ghost (its id only) in B1 or B2. It is linked into
 * exactly one {@link PageList}, the one named by {@link #list}.
 */
final class Page {
    /** {@link #nextUse} of a page whose next reference is not known. */
    static final long UNKNOWN = -1;

    final long id;
    PageList list;
    /** Neighbours towards the MRU and the LRU end of {@link #list}. */
    Page newer;
    Page older;
    /** For a ghost in a replay: the position of its next reference (see {@link IncomingGhosts}). */
    long nextUse = UNKNOWN;

    Page(long id) {
        this.id = id;
    }

    boolean resident() {
        return list != null && list.resident;
    }
}
