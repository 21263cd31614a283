package org.clkernel.heap.segfit;

import java.util.Arrays;

import org.clkernel.api.heap.HeapView;
import org.clkernel.api.heap.PlacementStrategy;
import org.clkernel.heap.support.BlockLists;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * Segregated fits (Wilson, Johnstone, Neely, Boles: "Dynamic Storage Allocation: A Survey and
 * Critical Review", 1995, section 3.6): an array of free lists, one per size class, searched from
 * the request's class upwards.
 *
 * <p>Classes: below {@value #EXACT_LIMIT} bytes one class per size, 8 bytes apart (class i holds
 * the blocks of exactly 8i bytes), so the lists of small sizes never need a scan; from
 * {@value #EXACT_LIMIT} up one class per power of two (class 64 + k holds 2^(9+k) up to
 * 2^(10+k) - 1 bytes). A bitmap says which lists are not empty.
 *
 * <p>The search: a request below {@value #EXACT_LIMIT} bytes takes the head of the first non-empty
 * list from the class of its size rounded up to 8; every block there is large enough. A larger
 * request scans the list of its own power-of-two class for the first block large enough (first
 * fit within the class), and failing that takes the head of the first non-empty list above, whose
 * blocks are all larger. So the answer is 0 only when no indexed block is large enough. A block
 * joins its list at the head: within a class the block freed last is found first.
 *
 * <p>Block sizes must be multiples of 8, as the heap's are: the small classes are exact. Prototype
 * scope: every heap that binds it gets an index of its own.
 */
@Component(service = PlacementStrategy.class, scope = ServiceScope.PROTOTYPE,
        property = {PlacementStrategy.NAME + "=segregated-fit", "service.ranking:Integer=15"})
public final class SegregatedFitStrategy implements PlacementStrategy {
    static final long EXACT_LIMIT = 512;
    static final int EXACT_CLASSES = (int) (EXACT_LIMIT >>> 3);
    static final int LOG2_LIMIT = 9;
    /** The exact classes, then one per power of two from 2^9 to 2^62 (the largest positive long's). */
    static final int CLASSES = EXACT_CLASSES + 62 - LOG2_LIMIT + 1;

    /** Invariant: bit c (word c / 64, bit c % 64) is set exactly when list c is not empty. */
    private final long[] nonEmpty = new long[(CLASSES + 63) / 64];
    private final BlockLists lists = new BlockLists(CLASSES);

    @Override
    public void attach(HeapView view) {
        detach();
        view.forEachFree(this::blockFreed);
    }

    @Override
    public void detach() {
        Arrays.fill(nonEmpty, 0);
        lists.clear();
    }

    @Override
    public void blockFreed(long address, long size) {
        if ((size & 7) != 0 || size < 0) {
            throw new IllegalArgumentException(String.format("block 0x%x of %d bytes: sizes are multiples of 8", address, size));
        }
        blockUsed(address); // a block reported twice is indexed once, with its latest size
        int c = classOf(size);
        lists.add(c, address, size);
        nonEmpty[c >>> 6] |= 1L << c;
    }

    @Override
    public void blockUsed(long address) {
        int c = lists.remove(address);
        if (c != BlockLists.NONE && lists.isEmpty(c)) {
            nonEmpty[c >>> 6] &= ~(1L << c);
        }
    }

    @Override
    public long find(long size) {
        long want = Math.max(1, size);
        int from;
        if (want < EXACT_LIMIT) {
            from = (int) ((want + 7) >>> 3);
        } else {
            int own = classOf(want);
            for (int s = lists.head(own); s != BlockLists.NONE; s = lists.next(s)) {
                if (lists.size(s) >= want) {
                    return lists.address(s);
                }
            }
            from = own + 1;
        }
        int c = firstNonEmpty(from);
        return c < 0 ? 0 : lists.address(lists.head(c));
    }

    /** The first class at or above {@code from} whose list is not empty, or -1. */
    private int firstNonEmpty(int from) {
        for (int w = from >>> 6; w < nonEmpty.length; w++) {
            long bits = w == from >>> 6 ? nonEmpty[w] & (-1L << from) : nonEmpty[w];
            if (bits != 0) {
                return (w << 6) + Long.numberOfTrailingZeros(bits);
            }
        }
        return -1;
    }

    /** The class of a block size: exact below {@value #EXACT_LIMIT}, else by its power of two. */
    static int classOf(long size) {
        return size < EXACT_LIMIT ? (int) (size >>> 3) : EXACT_CLASSES + (63 - Long.numberOfLeadingZeros(size)) - LOG2_LIMIT;
    }

    /** A class as messages name it, with the sizes it holds. */
    static String describe(int c) {
        if (c < EXACT_CLASSES) {
            return "class " + c + " (" + 8L * c + " bytes)";
        }
        long low = 1L << (c - EXACT_CLASSES + LOG2_LIMIT);
        return "class " + c + " (" + low + " to " + (2 * low - 1) + " bytes)";
    }

    /** Free blocks indexed. */
    public int size() {
        return lists.size();
    }

    /**
     * The index against the heap and itself: the address table, each heap free block indexed with
     * its size and nothing else, each list's links and classes, then the bitmap against the lists.
     */
    @Override
    public String check(HeapView heap) {
        String problem = lists.check(heap, SegregatedFitStrategy::classOf, SegregatedFitStrategy::describe);
        if (problem != null) {
            return problem;
        }
        for (int c = 0; c < nonEmpty.length * 64; c++) {
            boolean bit = ((nonEmpty[c >>> 6] >>> c) & 1) != 0;
            if (c >= CLASSES ? bit : bit == lists.isEmpty(c)) {
                return c >= CLASSES ? "bit " + c + " is set, beyond the last class " + (CLASSES - 1)
                        : "the bit of " + describe(c) + " disagrees with its list";
            }
        }
        return null;
    }
}
