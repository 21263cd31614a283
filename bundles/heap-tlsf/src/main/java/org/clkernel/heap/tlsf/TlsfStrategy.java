package org.clkernel.heap.tlsf;

import java.util.Arrays;

import org.clkernel.api.heap.HeapView;
import org.clkernel.api.heap.PlacementStrategy;
import org.clkernel.heap.support.BlockLists;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * Two-level segregated fit (Masmano, Ripoll, Crespo, Real: "TLSF: a new dynamic memory allocator
 * for real-time systems", ECRTS 2004). Free blocks are kept in lists by size class: the first level
 * is the power of two of the size, the second splits each power of two into {@value #SL_COUNT}
 * equal ranges; blocks below {@value #SMALL} bytes have classes 8 bytes wide. A bitmap per level
 * says which lists are not empty, so a search is two find-first-set operations: O(1).
 *
 * <p>The search rounds the size up to the next class, so any block of the class found is large
 * enough (a good fit, not always the best): the one at the head of its list, the block of that
 * class freed last. Where that finds nothing, the list of the size's own class is scanned for a
 * block large enough, so that the heap grows only when no free block fits.
 *
 * <p>The index lives in Java, not in the free blocks: the heap rebuilds it on every attach anyway.
 * The lists are int links between slots of an address table ({@link BlockLists}), so neither a
 * search nor an update allocates or boxes. Prototype scope: every heap that binds it gets an index
 * of its own.
 */
@Component(service = PlacementStrategy.class, scope = ServiceScope.PROTOTYPE,
        property = {PlacementStrategy.NAME + "=tlsf", "service.ranking:Integer=20"})
public final class TlsfStrategy implements PlacementStrategy {
    static final int ALIGN_LOG2 = 3;
    static final int SL_LOG2 = 4;
    static final int SL_COUNT = 1 << SL_LOG2;
    static final int FL_SHIFT = SL_LOG2 + ALIGN_LOG2;
    static final long SMALL = 1L << FL_SHIFT;
    /** Classes up to sizes of 2^62 bytes; the heap window needs 26 of them. */
    static final int FL_COUNT = 63 - FL_SHIFT + 1;

    /** Invariant: bit fl is set exactly when slBitmap[fl] != 0; bit sl of slBitmap[fl] exactly when that list is not empty. */
    private long flBitmap;
    private final int[] slBitmap = new int[FL_COUNT];
    /** List fl * SL_COUNT + sl holds the blocks of class (fl, sl). */
    private final BlockLists lists = new BlockLists(FL_COUNT * SL_COUNT);

    @Override
    public void attach(HeapView view) {
        detach();
        view.forEachFree(this::blockFreed);
    }

    @Override
    public void detach() {
        flBitmap = 0;
        Arrays.fill(slBitmap, 0);
        lists.clear();
    }

    @Override
    public void blockFreed(long address, long size) {
        int fl = fl(size);
        int sl = sl(size);
        int list = fl * SL_COUNT + sl;
        int slot = lists.slotOf(address);
        if (slot != BlockLists.NONE) { // a block reported twice is indexed once, with its latest size
            if (lists.listOf(slot) == list) {
                lists.setSize(slot, size);
                return;
            }
            blockUsed(address);
        }
        lists.add(list, address, size);
        slBitmap[fl] |= 1 << sl;
        flBitmap |= 1L << fl;
    }

    @Override
    public void blockUsed(long address) {
        int list = lists.remove(address);
        if (list != BlockLists.NONE && lists.isEmpty(list)) {
            int fl = list / SL_COUNT;
            slBitmap[fl] &= ~(1 << (list % SL_COUNT));
            if (slBitmap[fl] == 0) {
                flBitmap &= ~(1L << fl);
            }
        }
    }

    @Override
    public long find(long size) {
        long want = Math.max(1, size);
        long rounded = want < SMALL ? want + (1L << ALIGN_LOG2) - 1 : want + (1L << (log2(want) - SL_LOG2)) - 1;
        long found = search(fl(rounded), sl(rounded));
        if (found != 0) {
            return found;
        }
        for (int s = lists.head(classOf(want)); s != BlockLists.NONE; s = lists.next(s)) {
            if (lists.size(s) >= want) {
                return lists.address(s);
            }
        }
        return 0;
    }

    /** The first block of the first non-empty list at class (fl, sl) or above, or 0. */
    private long search(int fl, int sl) {
        if (fl >= FL_COUNT) {
            return 0;
        }
        int slMap = slBitmap[fl] & (-1 << sl);
        if (slMap == 0) {
            long flMap = fl + 1 >= 64 ? 0 : flBitmap & (-1L << (fl + 1));
            if (flMap == 0) {
                return 0;
            }
            fl = Long.numberOfTrailingZeros(flMap);
            slMap = slBitmap[fl];
        }
        return lists.address(lists.head(fl * SL_COUNT + Integer.numberOfTrailingZeros(slMap)));
    }

    static int log2(long size) {
        return 63 - Long.numberOfLeadingZeros(size);
    }

    /** First-level class: 0 for small blocks, else one per power of two from {@value #SMALL} up. */
    static int fl(long size) {
        return size < SMALL ? 0 : log2(size) - FL_SHIFT + 1;
    }

    /** Second-level class: the next {@value #SL_LOG2} bits below the leading one (8-byte steps when small). */
    static int sl(long size) {
        if (size < SMALL) {
            return (int) (size >>> ALIGN_LOG2);
        }
        return (int) ((size >>> (log2(size) - SL_LOG2)) ^ SL_COUNT);
    }

    /** The list of a block size: {@code fl * SL_COUNT + sl}. */
    static int classOf(long size) {
        return fl(size) * SL_COUNT + sl(size);
    }

    /** Free blocks indexed. */
    public int size() {
        return lists.size();
    }

    /**
     * The index against the heap and itself: the address table, each heap free block indexed with
     * its size and nothing else, each list's links and classes, then both bitmaps against the lists.
     */
    @Override
    public String check(HeapView heap) {
        String problem = lists.check(heap, TlsfStrategy::classOf, list -> "(" + list / SL_COUNT + ", " + list % SL_COUNT + ")");
        if (problem != null) {
            return problem;
        }
        if (flBitmap >>> FL_COUNT != 0) {
            return "the first-level bitmap has bits above class " + (FL_COUNT - 1);
        }
        for (int fl = 0; fl < FL_COUNT; fl++) {
            if (((flBitmap >>> fl) & 1) != (slBitmap[fl] != 0 ? 1 : 0)) {
                return "first-level bit " + fl + " disagrees with its second-level bitmap";
            }
            if (slBitmap[fl] >>> SL_COUNT != 0) {
                return "the second-level bitmap of class " + fl + " has bits above " + (SL_COUNT - 1);
            }
            for (int sl = 0; sl < SL_COUNT; sl++) {
                boolean bit = ((slBitmap[fl] >>> sl) & 1) != 0;
                if (bit == lists.isEmpty(fl * SL_COUNT + sl)) {
                    return "bit (" + fl + ", " + sl + ") disagrees with its list";
                }
            }
        }
        return null;
    }
}
