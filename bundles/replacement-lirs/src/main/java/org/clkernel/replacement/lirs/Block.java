package org.clkernel.replacement.lirs;

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
    final Link inStack = new Link(this);
    final Link inQueue = new Link(this);
    final Link inNonResident = new Link(this);

    Block(long id) {
        this.id = id;
    }

    /** A block's place on one {@link BlockList}. */
    static final class Link {
        final Block block;
        BlockList list;
        Link older;
        Link newer;

        Link(Block block) {
            this.block = block;
        }
    }
}
