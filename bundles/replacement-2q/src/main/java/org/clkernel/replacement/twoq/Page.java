package org.clkernel.replacement.twoq;

/** A page 2Q knows: resident in A1in or Am, or an identifier in A1out; on exactly one {@link PageQueue}. */
final class Page {
    final long id;
    PageQueue queue;
    /** Neighbours towards the newest and the oldest end of {@link #queue}. */
    Page newer;
    Page older;

    Page(long id) {
        this.id = id;
    }
}
