package org.clkernel.heap;

import static org.clkernel.api.paging.KernelLayout.HEAP_WINDOW;
import static org.clkernel.api.paging.KernelLayout.HEAP_WINDOW_END;
import static org.clkernel.heap.BlockTags.HEADER;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import org.clkernel.api.CheckResult;
import org.clkernel.api.heap.KernelHeap.ActorHeapStats;
import org.clkernel.api.heap.KernelHeap.BlockInfo;
import org.clkernel.api.heap.KernelHeap.BlockState;
import org.clkernel.api.heap.KernelHeap.BlockVisitor;
import org.clkernel.api.heap.KernelHeap.HeapChecks;
import org.clkernel.api.heap.KernelHeap.HeapStats;
import org.clkernel.api.physical.FrameAllocator;

/**
 * The heap itself: the calls of the kernel heap API on boundary-tagged blocks in one
 * {@link HeapMemory}, with its checks (canary, double and invalid free, poison and quarantine,
 * zero on free). It is not thread-safe: the {@link KernelHeapService} serialises calls to it. A
 * trace replay runs its own instance on {@link ArrayMemory}.
 *
 * <p>Bad arguments are refused with {@link IllegalArgumentException} before anything changes.
 */
final class Heap {
    static final long MAX_ALIGNMENT = HeapMemory.PAGE;

    private final HeapMemory m;
    private final BlockTags tags;
    private final HeapControl control;
    private final HeapBlocks blocks;
    private final Quarantine quarantine = new Quarantine();
    private final HeapCheck check;
    private volatile HeapChecks checks = HeapChecks.DEFAULTS;
    private final List<String> findings = new ArrayList<>();
    private boolean attachedOnOpen;

    private Heap(HeapMemory m, LongSupplier clock) {
        this.m = m;
        this.tags = new BlockTags(m);
        this.control = new HeapControl(m, clock);
        this.blocks = new HeapBlocks(tags, control, m);
        this.check = new HeapCheck(tags, control, blocks, quarantine);
    }

    /**
     * A new heap: the control page and one page of blocks mapped, formatted.
     *
     * @param clock wall-clock milliseconds, for the blocks' time stamps
     * @return it, or null when no memory
     */
    static Heap format(HeapMemory m, LongSupplier clock) {
        long first = HeapControl.FIRST_BLOCK;
        if (!m.map(HEAP_WINDOW, 1)) {
            return null;
        }
        if (!m.map(first, 1)) {
            return null;
        }
        Heap heap = new Heap(m, clock);
        long top = first + HeapMemory.PAGE;
        heap.control.format(top, clock.getAsLong());
        heap.tags.writeFree(first, top - HEADER - first, true);
        heap.tags.writeEpilogue(top - HEADER, false);
        heap.blocks.rebuildFreeMap((b, w) -> {
        });
        return heap;
    }

    /**
     * The heap already in {@code m}: the counters are read back, and one walk rebuilds the free
     * map and the quarantine (oldest first, by the time each block was freed).
     *
     * @throws IllegalStateException when no heap of this layout version is there
     */
    static Heap attach(HeapMemory m, LongSupplier clock) {
        Heap heap = new Heap(m, clock);
        if (!heap.control.valid()) {
            throw new IllegalStateException("no heap of layout version " + HeapControl.VERSION + " is there");
        }
        heap.control.load();
        List<long[]> held = new ArrayList<>();
        heap.blocks.rebuildFreeMap((b, word) -> {
            if ((word & BlockTags.QUARANTINED) != 0) {
                held.add(new long[] {heap.tags.time(b), b, BlockTags.size(word)});
            }
        });
        held.sort((x, y) -> Long.compare(x[0], y[0]));
        held.forEach(q -> heap.quarantine.add(q[1], q[2]));
        heap.attachedOnOpen = true;
        return heap;
    }

    /** Whether this instance found the heap in memory rather than formatting it. */
    boolean attachedOnOpen() {
        return attachedOnOpen;
    }

    HeapBlocks blocks() {
        return blocks;
    }

    HeapMemory memory() {
        return m;
    }

    HeapChecks checks() {
        return checks;
    }

    /** Changes the checks; a smaller or no quarantine releases its oldest blocks at once. */
    void setChecks(HeapChecks next) {
        if (next.quarantineBytes() < 0) {
            throw new IllegalArgumentException("quarantine bytes " + next.quarantineBytes() + " is below 0");
        }
        checks = next;
        trimQuarantine(next.poison() ? next.quarantineBytes() : 0);
    }

    // ---- allocation ------------------------------------------------------------------------------

    long allocate(long size, int owner, int site) {
        checkOwner(owner);
        checkSite(site);
        if (size < 1) {
            throw new IllegalArgumentException("kmalloc: size " + size + " is below 1");
        }
        long need = BlockTags.blockSize(size, HEAP_WINDOW_END - HEAP_WINDOW);
        if (need < 0 || !control.ensureActor(owner)) {
            return 0;
        }
        long b = blocks.take(need, owner, size, site);
        if (b == 0) {
            return 0;
        }
        control.allocated(owner, size);
        return b + HEADER;
    }

    long allocateAligned(long size, long alignment, int owner, int site) {
        if (alignment < BlockTags.ALIGN || alignment > MAX_ALIGNMENT || Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("kmallocAligned: alignment " + alignment + " is not a power of two from "
                    + BlockTags.ALIGN + " to " + MAX_ALIGNMENT);
        }
        if (alignment == BlockTags.ALIGN) {
            return allocate(size, owner, site);
        }
        checkOwner(owner);
        checkSite(site);
        if (size < 1) {
            throw new IllegalArgumentException("kmallocAligned: size " + size + " is below 1");
        }
        long need = BlockTags.blockSize(size, HEAP_WINDOW_END - HEAP_WINDOW);
        if (need < 0 || !control.ensureActor(owner)) {
            return 0;
        }
        long b = blocks.takeAligned(need, alignment, owner, size, site);
        if (b == 0) {
            return 0;
        }
        control.allocated(owner, size);
        return b + HEADER;
    }

    long callocate(long n, long size, int owner) {
        if (n < 1 || size < 1) {
            throw new IllegalArgumentException(String.format("kcalloc(%d, %d): both must be 1 or more", n, size));
        }
        if (size > 0xFFFFFFFFL / n) {
            throw new IllegalArgumentException(String.format("kcalloc(%d, %d): the size overflows 32 bits", n, size));
        }
        long address = allocate(n * size, owner, 0);
        if (address != 0) {
            m.zero(address, n * size);
        }
        return address;
    }

    long reallocate(long address, long size, int owner) {
        if (address == 0) {
            return allocate(size, owner, 0);
        }
        checkOwner(owner);
        long b = block("krealloc", address);
        if (size < 1) {
            throw new IllegalArgumentException("krealloc: size " + size + " is below 1");
        }
        long need = BlockTags.blockSize(size, HEAP_WINDOW_END - HEAP_WINDOW);
        if (need < 0) {
            return 0;
        }
        long old = tags.requested(b);
        int oldOwner = tags.owner(b);
        if (blocks.resize(b, need, size)) {
            control.resized(oldOwner, old, size);
            return address;
        }
        long moved = allocate(size, owner, tags.site(b));
        if (moved != 0) {
            m.copy(address, moved, Math.min(old, size));
            free(b);
        }
        return moved;
    }

    /**
     * Frees the block at {@code address}.
     *
     * @param actor the actor that must own it, or -1 for any
     */
    void free(String call, long address, int actor) {
        long b = block(call, address);
        if (actor >= 0 && tags.owner(b) != actor) { // actor_free: only the owner frees
            throw new IllegalArgumentException(String.format("%s(0x%x): the block belongs to actor %d, not %d",
                    call, address, tags.owner(b), actor));
        }
        free(b);
    }

    /** Frees a checked block: into quarantine with its payload poisoned, or straight back. */
    private void free(long b) {
        int word = tags.word(b);
        int info = tags.info(b);
        control.freed(BlockTags.owner(info), BlockTags.requested(word, info));
        HeapChecks c = checks;
        long size = BlockTags.size(word);
        if (c.poison() && c.quarantineBytes() > 0) {
            m.fill(b + HEADER, size - HEADER, HeapMemory.POISON);
            tags.quarantine(b, control.now());
            quarantine.add(b, size);
            trimQuarantine(c.quarantineBytes());
        } else {
            if (c.zeroOnFree()) {
                m.zero(b + HEADER, size - HEADER);
            }
            blocks.release(b);
        }
    }

    /** Releases the oldest quarantined blocks until at most {@code limit} bytes are held. */
    private void trimQuarantine(long limit) {
        while (quarantine.count() > 0 && quarantine.bytes() > limit) {
            long b = quarantine.oldest();
            long size = tags.size(b);
            quarantine.poll(size);
            long changed = m.firstMismatch(b + HEADER, size - HEADER, HeapMemory.POISON);
            if (changed >= 0) {
                control.writeAfterFree();
                report(String.format("write after free: block 0x%x (owner %d, site %s) was changed at offset %d"
                        + " while in quarantine", b + HEADER, tags.owner(b), siteLabel(tags.site(b)), changed));
            }
            if (checks.zeroOnFree()) {
                m.zero(b + HEADER, size - HEADER);
            }
            blocks.release(b);
        }
    }

    private void report(String finding) {
        synchronized (findings) {
            findings.add(finding);
            if (findings.size() > 100) {
                findings.remove(0);
            }
        }
        System.err.println("heap: " + finding);
    }

    /** The latest findings of the checks (writes after free), oldest first, at most 100. */
    List<String> findings() {
        synchronized (findings) {
            return List.copyOf(findings);
        }
    }

    long usable(long address) {
        return tags.size(block("usableSize", address)) - HEADER;
    }

    // ---- sites, statistics, blocks ---------------------------------------------------------------

    int site(String name) {
        return control.site(name);
    }

    String siteName(int site) {
        return control.siteName(site);
    }

    private String siteLabel(int site) {
        String name = control.siteName(site);
        return name.isEmpty() ? "none" : name;
    }

    long actorCurrent(int actor) {
        return control.actorCurrent(actor);
    }

    HeapStats stats() {
        long largest = 0;
        BlockMap free = blocks.freeMap();
        for (long b = free.next(0); b >= 0;) {
            long size = tags.size(b);
            largest = Math.max(largest, size);
            b = free.next(b + size);
        }
        return new HeapStats(control.current(), control.peak(), control.total(), control.blocks(),
                control.top() - HeapControl.FIRST_BLOCK, free.bytes(), free.count(), largest, quarantine.bytes(),
                quarantine.count(), control.writesAfterFree());
    }

    ActorHeapStats actorStats(int actor) {
        checkOwner(actor);
        return control.actorStats(actor);
    }

    List<ActorHeapStats> actorStats() {
        List<ActorHeapStats> all = new ArrayList<>();
        for (int a = 0; a < HeapControl.ACTORS; a++) {
            ActorHeapStats s = control.actorStats(a);
            if (s.totalBytes() > 0) {
                all.add(s);
            }
        }
        return all;
    }

    void forEachBlock(BlockVisitor visitor) {
        long end = control.epilogue();
        long now = control.now();
        for (long b = HeapControl.FIRST_BLOCK; b < end;) {
            int word = tags.word(b);
            long size = BlockTags.size(word);
            if (size == 0) {
                return; // a broken heap: the check names it
            }
            BlockState state = (word & BlockTags.ALLOCATED) == 0 ? BlockState.FREE
                    : (word & BlockTags.QUARANTINED) != 0 ? BlockState.QUARANTINED : BlockState.USED;
            visitor.visit(state == BlockState.FREE ? new BlockInfo(b, size, state, 0, 0, 0, 0)
                    : new BlockInfo(b, size, state, tags.requested(b), tags.owner(b), tags.site(b),
                            (now - tags.time(b)) & 0xFFFFFFFFL));
            b += size;
        }
    }

    CheckResult check() {
        return check.run();
    }

    long top() {
        return control.top();
    }

    /** The end of the last block that is not free: the top without its free tail. */
    long extent() {
        long epilogue = control.epilogue();
        return tags.prevAllocated(epilogue) ? epilogue : epilogue - tags.sizeBefore(epilogue);
    }

    // ---- validation ------------------------------------------------------------------------------

    /**
     * The block whose payload starts at {@code address}, after checking that it is one: a block the
     * heap handed out (its map of allocated blocks says so, whatever bytes lie there), a header with
     * the canary of its position (when that check is on), a sane size, the allocated bit and not
     * quarantined, and the next block agreeing.
     */
    private long block(String call, long address) {
        long epilogue = control.epilogue();
        if (address % BlockTags.ALIGN != 0 || address < HeapControl.FIRST_BLOCK + HEADER || address >= epilogue) {
            throw new IllegalArgumentException(String.format("%s(0x%x): not an address in the heap", call, address));
        }
        long b = address - HEADER;
        if (!blocks.allocatedMap().contains(b)) {
            throw new IllegalArgumentException(String.format(blocks.freeMap().contains(b)
                    ? "%s(0x%x): the block is free (a double free?)"
                    : "%s(0x%x): not the address of a block the heap handed out (freed already, or never a block)", call, address));
        }
        if (checks.canary() && !tags.canaryOk(b)) {
            throw new IllegalArgumentException(String.format(
                    "%s(0x%x): header canary is 0x%08x, expected 0x%08x: not a block, or its header was overwritten",
                    call, address, tags.storedCanary(b), BlockTags.canary(b)));
        }
        int word = tags.word(b);
        long size = BlockTags.size(word);
        if (size < BlockTags.MIN_BLOCK || b + size > epilogue || size % BlockTags.ALIGN != 0) {
            throw new IllegalArgumentException(String.format("%s(0x%x): header has a bad size %d", call, address, size));
        }
        if ((word & BlockTags.ALLOCATED) == 0 || blocks.freeMap().contains(b)) {
            throw new IllegalArgumentException(String.format("%s(0x%x): the block is free (a double free?)", call, address));
        }
        if ((word & BlockTags.QUARANTINED) != 0) {
            throw new IllegalArgumentException(String.format(
                    "%s(0x%x): the block was freed already and is in quarantine (a double free?)", call, address));
        }
        if (!tags.prevAllocated(b + size)) {
            throw new IllegalArgumentException(String.format(
                    "%s(0x%x): the next block does not record this one as allocated", call, address));
        }
        if ((word & BlockTags.PREV_ALLOCATED) == 0) {
            // a stale header left inside a merged block can pass the checks above; its footer does not
            long before = tags.sizeBefore(b);
            long start = b - before;
            if (before < BlockTags.MIN_BLOCK || before % BlockTags.ALIGN != 0 || start < HeapControl.FIRST_BLOCK
                    || !blocks.freeMap().contains(start) || tags.size(start) != before) {
                throw new IllegalArgumentException(String.format(
                        "%s(0x%x): the free block before it is not where its footer says: not a live block", call, address));
            }
        }
        return b;
    }

    static void checkOwner(int owner) {
        if (owner < 0 || owner >= FrameAllocator.MAX_OWNER) {
            throw new IllegalArgumentException("owner " + owner + " is not an actor id 0 to " + (FrameAllocator.MAX_OWNER - 1));
        }
    }

    private static void checkSite(int site) {
        if (site < 0 || site >= HeapControl.SITES) {
            throw new IllegalArgumentException("site " + site + " is not a site id 0 to " + (HeapControl.SITES - 1));
        }
    }
}
