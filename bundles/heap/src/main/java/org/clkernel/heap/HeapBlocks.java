package org.clkernel.heap;

import static org.clkernel.heap.BlockTags.HEADER;
import static org.clkernel.heap.BlockTags.MIN_BLOCK;

import org.clkernel.api.heap.HeapView;
import org.clkernel.api.heap.PlacementStrategy;

/**
 * Splitting, coalescing and growth of the heap's blocks, keeping the two {@link BlockMap}s (free and
 * allocated block starts) and the strategy's index in step: every block that becomes free is reported with {@code blockFreed}
 * after coalescing, every free block that stops being one (taken, split, merged) with
 * {@code blockUsed} first.
 *
 * <p>A strategy is not trusted: every answer of {@code find} is checked against the boundary tags,
 * and a strategy that throws or answers wrong is replaced by the built-in {@link FirstFit} at once,
 * in the middle of the operation. That is safe because first fit keeps no index: it reads the free
 * map and the tags, which the heap has kept right all along. The failure is then reported.
 */
final class HeapBlocks implements HeapView {
    private final BlockTags tags;
    private final HeapControl control;
    private final HeapMemory m;
    private final BlockMap free = new BlockMap(HeapControl.FIRST_BLOCK);
    /** The start of every allocated block, quarantined ones included. */
    private final BlockMap allocated = new BlockMap(HeapControl.FIRST_BLOCK);
    private final FirstFit builtin;
    private PlacementStrategy strategy;
    /** While a new strategy builds its index from a snapshot: what changed since, as (block, size or -1 for used). */
    private long[] changes = new long[0];
    private int changed;
    private boolean logging;
    /**
     * The free block before the epilogue, kept out of the strategies' sight and used only when no
     * other free block fits (the heap grows from it): "wilderness preservation" (Korn and Vo 1985;
     * Wilson et al. 1995, 3.5), so that small blocks do not settle at the top, where a block can
     * grow in place and the heap can grow without a hole. 0 when the last block is not free.
     */
    private long wilderness;
    private FailureListener failed = (s, e, nanos) -> {
    };

    /** Hears of a strategy that failed, once the built-in serves in its place. */
    @FunctionalInterface
    interface FailureListener {
        void failed(PlacementStrategy strategy, Throwable failure, long rebuildNanos);
    }

    HeapBlocks(BlockTags tags, HeapControl control, HeapMemory m) {
        this.tags = tags;
        this.control = control;
        this.m = m;
        this.builtin = new FirstFit(free, tags, this);
        this.strategy = builtin;
    }

    /** Who hears of a strategy that failed, after the built-in took over from it. */
    void onFailure(FailureListener listener) {
        this.failed = listener;
    }

    BlockMap freeMap() {
        return free;
    }

    BlockMap allocatedMap() {
        return allocated;
    }

    HeapMemory memory() {
        return m;
    }

    /**
     * Hands the free blocks to another strategy: the old one drops its index, the new one builds
     * its own. A failure of the old one's detach is its own affair; a failure of the new one's
     * attach is thrown, and the built-in serves.
     */
    void use(PlacementStrategy next) {
        detachQuietly(strategy);
        strategy = builtin;
        if (next != builtin) {
            next.attach(this);
            strategy = next;
        }
    }

    /**
     * The free blocks as they are now, for a strategy to build its index from while calls go on;
     * from now on every change is logged until {@link #adopt} or {@link #dropLog}.
     */
    HeapView snapshot() {
        long n = free.count() - (wilderness != 0 ? 1 : 0);
        long[] at = new long[(int) n];
        long[] size = new long[(int) n];
        int[] i = {0};
        forEachFree((address, bytes) -> {
            at[i[0]] = address;
            size[i[0]++] = bytes;
        });
        changed = 0;
        logging = true;
        return visitor -> {
            for (int k = 0; k < at.length; k++) {
                visitor.visit(at[k], size[k]);
            }
        };
    }

    /** How many changes the log holds. */
    int pendingChanges() {
        return changed / 2;
    }

    /**
     * Takes the changes logged so far, in order, and goes on logging: a strategy catching up in
     * rounds, while calls go on, applies them with {@link #apply}.
     */
    long[] drainLog() {
        long[] batch = java.util.Arrays.copyOf(changes, changed);
        changed = 0;
        return batch;
    }

    /** Tells a strategy of logged changes, in order. */
    static void apply(PlacementStrategy s, long[] log, int length) {
        for (int k = 0; k < length; k += 2) {
            if (log[k + 1] < 0) {
                s.blockUsed(log[k]);
            } else {
                s.blockFreed(log[k], log[k + 1]);
            }
        }
    }

    /** Stops logging changes: the strategy that was building from the snapshot is not coming. */
    void dropLog() {
        logging = false;
        changed = 0;
    }

    /**
     * Hands the heap to a strategy that built its index from {@link #snapshot}: it hears of every
     * change since, in order, and serves. The old strategy is returned, not detached: that can
     * wait until calls run again.
     *
     * @throws RuntimeException what the new strategy threw; the old one still serves
     */
    PlacementStrategy adopt(PlacementStrategy next) {
        try {
            apply(next, changes, changed);
        } finally {
            dropLog();
        }
        PlacementStrategy old = strategy;
        strategy = next;
        return old;
    }

    private void log(long b, long size) {
        if (changed + 2 > changes.length) {
            changes = java.util.Arrays.copyOf(changes, Math.max(64, 2 * changes.length));
        }
        changes[changed++] = b;
        changes[changed++] = size;
    }

    /** The built-in first fit serves from now on. */
    void useBuiltin() {
        use(builtin);
    }

    PlacementStrategy strategy() {
        return strategy;
    }

    /** The old strategy drops its index; what it throws on the way does not matter any more. */
    static void detachQuietly(PlacementStrategy s) {
        try {
            s.detach();
        } catch (RuntimeException | LinkageError e) {
            // its index is dropped with it either way
        }
    }

    /** Asks the serving strategy to check its index. @return null, or its finding */
    String checkStrategy() {
        PlacementStrategy s = strategy;
        try {
            return s.check(this);
        } catch (RuntimeException | LinkageError e) {
            return "its check failed: " + e;
        }
    }

    // ---- the strategy, contained -----------------------------------------------------------------

    private long find(long size) {
        PlacementStrategy s = strategy;
        try {
            long b = s.find(size);
            String wrong = b == 0 ? null : wrongAnswer(b, size);
            if (wrong != null) {
                throw new IllegalStateException(String.format("it answered 0x%x for %d bytes, which is %s", b, size, wrong));
            }
            return b;
        } catch (RuntimeException | LinkageError e) {
            contain(s, e);
            return builtin.find(size);
        }
    }

    private void used(long b, long size) {
        free.remove(b, size);
        if (b == wilderness) {
            wilderness = 0;
            return;
        }
        if (logging) {
            log(b, -1);
        }
        PlacementStrategy s = strategy;
        try {
            s.blockUsed(b);
        } catch (RuntimeException | LinkageError e) {
            contain(s, e);
        }
    }

    private void freed(long b, long size) {
        free.add(b, size);
        if (b + size == control.epilogue()) {
            wilderness = b;
            return;
        }
        if (logging) {
            log(b, size);
        }
        PlacementStrategy s = strategy;
        try {
            s.blockFreed(b, size);
        } catch (RuntimeException | LinkageError e) {
            contain(s, e);
        }
    }

    private void contain(PlacementStrategy s, Throwable e) {
        if (s == builtin) {
            throw new IllegalStateException("the built-in first fit failed", e);
        }
        long start = System.nanoTime();
        useBuiltin();
        failed.failed(s, e, System.nanoTime() - start);
    }

    /**
     * Why {@code b} is not a free block of at least {@code size} bytes, or null when it is one. The
     * free map knows every free block's start; a free block also has the canary of its position
     * and a size that covers the request and stays in the heap.
     */
    private String wrongAnswer(long b, long size) {
        long end = control.epilogue();
        if (b % BlockTags.ALIGN != 0 || b < HeapControl.FIRST_BLOCK || b >= end) {
            return "outside the heap";
        }
        if (!free.contains(b)) {
            return tags.canaryOk(b) && tags.allocated(b) ? "a used block" : "not the start of a free block";
        }
        if (b == wilderness) {
            return "the top block, which the heap keeps out of the strategies' sight";
        }
        long have = tags.size(b);
        return have < size ? "too small (" + have + " bytes)" : null;
    }

    @Override
    public void forEachFree(FreeBlockVisitor visitor) {
        for (long b = free.next(0); b >= 0;) {
            long size = tags.size(b);
            if (b != wilderness) {
                visitor.visit(b, size);
            }
            b = free.next(b + size);
        }
    }

    /** The free block at the top of the heap, which strategies do not see, or 0. */
    long wilderness() {
        return wilderness;
    }

    /** Rebuilds both block maps from the tags: the walk a heap instance makes when it attaches. */
    void rebuildFreeMap(BlockVisitor alsoVisit) {
        free.clear();
        allocated.clear();
        wilderness = 0;
        long end = control.epilogue();
        for (long b = HeapControl.FIRST_BLOCK; b < end;) {
            int word = tags.word(b);
            long size = BlockTags.size(word);
            if ((word & BlockTags.ALLOCATED) == 0) {
                free.add(b, size);
                if (b + size == end) {
                    wilderness = b;
                }
            } else {
                allocated.add(b, 0);
                alsoVisit.visit(b, word);
            }
            b += size;
        }
    }

    /** Receives an allocated block and its size word. */
    @FunctionalInterface
    interface BlockVisitor {
        void visit(long block, int word);
    }

    /**
     * Allocates a block of {@code size} bytes, growing the heap if no free block fits.
     *
     * @return it, or 0
     */
    long take(long size, int owner, long requested, int site) {
        long b = find(size);
        if (b == 0) {
            b = grow(size);
            if (b == 0) {
                return 0;
            }
        }
        int word = tags.word(b);
        long have = BlockTags.size(word);
        used(b, have);
        allocated.add(b, 0);
        boolean prev = (word & BlockTags.PREV_ALLOCATED) != 0;
        long rest = have - size;
        long now = control.now();
        if (rest < MIN_BLOCK) {
            tags.allocateFree(b, have, prev, owner, requested, site, now);
            tags.setPrevAllocated(b + have, true);
        } else {
            // the rest stays free where it is: no merge can happen, its neighbours are allocated
            tags.allocateFree(b, size, prev, owner, requested, site, now);
            tags.writeFree(b + size, rest, true);
            freed(b + size, rest);
        }
        return b;
    }

    /**
     * Allocates a block whose payload is aligned to {@code alignment} bytes (a power of two above
     * 8): a block large enough for any placement is taken, and the piece before the aligned payload
     * and the piece after it are given back.
     *
     * @return it, or 0
     */
    long takeAligned(long size, long alignment, int owner, long requested, int site) {
        long b = take(size + 2 * alignment + MIN_BLOCK, owner, requested, site);
        if (b == 0) {
            return 0;
        }
        long gap = ((b + HEADER + alignment - 1) & -alignment) - (b + HEADER);
        while (gap != 0 && gap < MIN_BLOCK) {
            gap += alignment;
        }
        if (gap > 0) {
            long total = tags.size(b);
            long time = tags.time(b);
            long aligned = b + gap;
            tags.writeUsed(aligned, total - gap, true, owner, requested, site, time);
            tags.writeUsed(b, gap, tags.prevAllocated(b), owner, gap - HEADER, site, time);
            release(b);
            allocated.add(aligned, 0);
            b = aligned;
        }
        resize(b, size, requested);
        return b;
    }

    /**
     * Resizes an allocated block to {@code size} bytes in place, taking in the free block after it
     * when that is needed and enough, and growing the heap first when the block is the last one.
     *
     * @return whether it could
     */
    boolean resize(long b, long size, long requested) {
        long have = tags.size(b);
        long next = b + have;
        if (have < size && lastBeforeTop(b, next) && grow(size - have) == 0) {
            return false;
        }
        if (have < size) {
            if (tags.allocated(next)) {
                return false;
            }
            long more = tags.size(next);
            if (have + more < size) {
                return false;
            }
            used(next, more);
            have += more;
            tags.setPrevAllocated(b + have, true);
        }
        if (have - size >= MIN_BLOCK) {
            tags.resizeUsed(b, size, requested);
            tags.writeUsed(b + size, have - size, true, 0, 0, 0, 0);
            release(b + size);
        } else {
            tags.resizeUsed(b, have, requested);
        }
        return true;
    }

    /**
     * Whether the block at {@code b}, which ends at {@code next}, is the last one, with at most a
     * free block between it and the epilogue, and that free block too small for the growth: then
     * the heap grows under it instead of the block moving (a buffer at the top grows in place).
     */
    private boolean lastBeforeTop(long b, long next) {
        long epilogue = control.epilogue();
        if (next == epilogue) {
            return true;
        }
        int word = tags.word(next);
        return (word & BlockTags.ALLOCATED) == 0 && next + BlockTags.size(word) == epilogue;
    }

    /**
     * Frees an allocated block, merging it with its free neighbours. A header left inside a merged
     * block keeps whatever bits it had: the map of allocated blocks, not the header, says what may
     * be freed.
     */
    void release(long b) {
        allocated.removeIfPresent(b, 0);
        int word = tags.word(b);
        long start = b;
        long size = BlockTags.size(word);
        long next = b + size;
        int nextWord = tags.word(next);
        if ((nextWord & BlockTags.ALLOCATED) == 0) {
            long more = BlockTags.size(nextWord);
            used(next, more);
            size += more;
        }
        boolean prevAllocated = (word & BlockTags.PREV_ALLOCATED) != 0;
        if (!prevAllocated) {
            long before = tags.sizeBefore(b);
            start = b - before;
            used(start, before);
            size += before;
            prevAllocated = true; // two free blocks are never adjacent
        }
        tags.writeFree(start, size, prevAllocated);
        tags.setPrevAllocated(start + size, false);
        freed(start, size);
    }

    /**
     * Maps enough pages after the heap for a free block of {@code size} bytes at its end; the old
     * epilogue becomes the header of the new pages.
     *
     * @return that free block, or 0
     */
    private long grow(long size) {
        long top = control.top();
        long epilogue = top - HEADER;
        boolean lastAllocated = tags.prevAllocated(epilogue);
        long tail = lastAllocated ? 0 : tags.sizeBefore(epilogue);
        long pages = (size - tail + HeapMemory.PAGE - 1) / HeapMemory.PAGE;
        if (pages <= 0) {
            return epilogue - tail; // the free block at the end fits already; the strategy did not offer it
        }
        if (!m.map(top, pages)) {
            return 0;
        }
        long added = pages * HeapMemory.PAGE;
        control.setTop(top + added);
        tags.writeEpilogue(top + added - HEADER, true);
        tags.writeUsed(epilogue, added, lastAllocated, 0, 0, 0, 0);
        release(epilogue);
        return lastAllocated ? epilogue : epilogue - tail;
    }
}
