package org.clkernel.replacement.twoq;

import org.clkernel.replacement.support.PageLink;

/** A page 2Q knows: resident in A1in or Am, or an identifier in A1out; on exactly one of the three. */
final class Page extends PageLink {
    Page(long id) {
        super(id);
    }
}
