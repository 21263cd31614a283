package org.clkernel.replacement.lirs;

import org.clkernel.replacement.support.PageLink;

/**
 * A block LIRS knows (the paper's word for a page): LIR or HIR, resident or not, with one link for
 * each list it can be on. A LIR block is resident and in the stack S; a resident HIR block is in the
 * queue Q and maybe in S; a non-resident HIR block is in S and on the non-resident list, and is
 * forgotten when it leaves S.
 */
final class Block {
    final long id;
    boolean lir;
    boolean resident;
    final Link inStack;
    final Link inQueue;
    final Link inNonResident;

    Block(long id) {
        this.id = id; // before the links, which take it
        inStack = new Link(this);
        inQueue = new Link(this);
        inNonResident = new Link(this);
    }

    /** A block's place on one of the lists. */
    static final class Link extends PageLink {
        final Block block;

        Link(Block block) {
            super(block.id);
            this.block = block;
        }
    }
}
