package org.clkernel.replacement.arc;

import org.clkernel.replacement.support.PageLink;

/** A page ARC knows: resident in T1 or T2, or a ghost (its id only) in B1 or B2; on exactly one of the four. */
final class Page extends PageLink {
    Page(long id) {
        super(id);
    }
}
