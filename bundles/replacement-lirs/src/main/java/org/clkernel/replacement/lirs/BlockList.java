package org.clkernel.replacement.lirs;

/**
 * An intrusive list of blocks from oldest to newest: the stack S (oldest = bottom), the queue Q
 * (oldest = front, the next victim) or the non-resident list. Circular around a sentinel whose
 * {@code newer} is the oldest link and whose {@code older} is the newest. Every link here has
 * {@code list == this}; {@link #size} counts them.
 */
final class BlockList {
    final String name;
    private final Block.Link sentinel = new Block.Link(null);
    private int size;

    BlockList(String name) {
        this.name = name;
        sentinel.newer = sentinel;
        sentinel.older = sentinel;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    boolean holds(Block.Link link) {
        return link.list == this;
    }

    /** The oldest block, or null when empty. */
    Block oldest() {
        return size == 0 ? null : sentinel.newer.block;
    }

    /** Links a link that is on no list at the newest end. */
    void addNewest(Block.Link link) {
        Block.Link newest = sentinel.older;
        link.older = newest;
        link.newer = sentinel;
        newest.newer = link;
        sentinel.older = link;
        link.list = this;
        size++;
    }

    void remove(Block.Link link) {
        link.older.newer = link.newer;
        link.newer.older = link.older;
        link.older = null;
        link.newer = null;
        link.list = null;
        size--;
    }

    void moveToNewest(Block.Link link) {
        remove(link);
        addNewest(link);
    }

    /** Adds the ids of the blocks that pass {@code lirOnly} (LIR ones, or all) from the oldest. */
    int copyFromOldest(long[] into, int at, boolean lirOnly) {
        int n = 0;
        for (Block.Link l = sentinel.newer; l != sentinel; l = l.newer) {
            if (!lirOnly || l.block.lir) {
                into[at + n++] = l.block.id;
            }
        }
        return n;
    }

    /** The first link from the oldest end, for walks by {@link LirsPolicy#check()}. */
    Block.Link first() {
        return sentinel.newer == sentinel ? null : sentinel.newer;
    }

    /** The next newer link, or null at the newest end. */
    Block.Link after(Block.Link link) {
        return link.newer == sentinel ? null : link.newer;
    }

    /**
     * Walks the list. Returns null when every link is mutual, names this list and the count is
     * {@link #size}; otherwise describes the first broken block.
     */
    String check() {
        int n = 0;
        Block.Link prev = sentinel;
        for (Block.Link l = sentinel.newer; l != sentinel; l = l.newer) {
            if (l == null) {
                return name + ": broken link after " + n + " blocks";
            }
            if (l.list != this) {
                return name + ": block " + l.block.id + " is linked here but names " + (l.list == null ? "no list" : l.list.name);
            }
            if (l.older != prev) {
                return name + ": block " + l.block.id + " does not link back to its older neighbour";
            }
            if (++n > size) {
                return name + ": more than " + size + " blocks linked";
            }
            prev = l;
        }
        if (sentinel.older != prev) {
            return name + ": the newest end does not link back to the last block";
        }
        return n == size ? null : name + ": " + n + " blocks linked, " + size + " counted";
    }
}
