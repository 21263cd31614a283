package org.clkernel.physical;

import static org.clkernel.physical.FrameTable.FREE;
import static org.clkernel.physical.FrameTable.NONE;
import static org.clkernel.physical.FrameTable.TAIL;

import org.clkernel.api.physical.FrameAllocator;

/**
 * The buddy system proper (Knuth, TAOCP vol. 1 §2.5): per zone and order a doubly linked list of
 * free blocks threaded through the frame descriptors. A block of order k starts at a frame number
 * divisible by 2^k; its buddy starts at {@code pfn ^ 2^k}. Two free buddies of the same order merge
 * into one block of order k+1, up to {@link FrameAllocator#MAX_ORDER}; a 4 MiB block never spans
 * the 16 MiB zone boundary, so buddies always share a zone.
 *
 * <p>Callers hold the allocator's lock.
 */
final class BuddyLists {
    private final FrameTable t;
    private final long spanned;

    BuddyLists(FrameTable table, long spanned) {
        this.t = table;
        this.spanned = spanned;
    }

    /** Pushes a free block on the front of its list (recently freed memory is reused first). */
    void push(long pfn, int order, int zone) {
        int head = t.head(zone, order);
        t.setInfo(pfn, FrameTable.info(FREE, order, zone));
        t.setNext(pfn, head);
        t.setPrev(pfn, NONE);
        if (head != NONE) {
            t.setPrev(head & 0xFFFFFFFFL, (int) pfn);
        }
        t.setHead(zone, order, (int) pfn);
        t.addCount(zone, order, 1);
    }

    /** Takes a free block off its list; its descriptor still says FREE until the caller changes it. */
    void unlink(long pfn, int order, int zone) {
        int next = t.next(pfn);
        int prev = t.prev(pfn);
        if (prev == NONE) {
            t.setHead(zone, order, next);
        } else {
            t.setNext(prev & 0xFFFFFFFFL, next);
        }
        if (next != NONE) {
            t.setPrev(next & 0xFFFFFFFFL, prev);
        }
        t.addCount(zone, order, -1);
    }

    /**
     * Takes a block of exactly this order from a zone, splitting a larger one if needed; the upper
     * halves go back on the lists.
     *
     * @return the block's first frame, or -1 if the zone has no block large enough
     */
    long take(int order, int zone) {
        int found = order;
        while (found <= FrameAllocator.MAX_ORDER && t.head(zone, found) == NONE) {
            found++;
        }
        if (found > FrameAllocator.MAX_ORDER) {
            return -1;
        }
        long pfn = t.head(zone, found) & 0xFFFFFFFFL;
        unlink(pfn, found, zone);
        while (found > order) {
            found--;
            push(pfn + (1L << found), found, zone); // the upper half stays free
        }
        t.addFree(zone, -(1L << order));
        return pfn;
    }

    /** Returns a block, merging it with its free buddies; the block's frames must not be on any list. */
    void give(long pfn, int order, int zone) {
        t.addFree(zone, 1L << order);
        while (order < FrameAllocator.MAX_ORDER) {
            long buddy = pfn ^ (1L << order);
            if (buddy >= spanned) {
                break;
            }
            int info = t.info(buddy);
            if (FrameTable.state(info) != FREE || FrameTable.order(info) != order) {
                break;
            }
            unlink(buddy, order, zone);
            long upper = Math.max(pfn, buddy);
            t.setInfo(upper, FrameTable.info(TAIL, 0, zone)); // the higher head is now inside the block
            pfn = Math.min(pfn, buddy);
            order++;
        }
        push(pfn, order, zone);
    }

    /**
     * Hands a range of frames to the allocator at boot: the largest aligned blocks that fit, every
     * frame but a block's first marked as a tail.
     */
    long seed(long start, long end, int zone) {
        long pfn = start;
        while (pfn < end) {
            int order = FrameAllocator.MAX_ORDER;
            while (order > 0 && ((pfn & ((1L << order) - 1)) != 0 || pfn + (1L << order) > end)) {
                order--;
            }
            for (long f = pfn + 1; f < pfn + (1L << order); f++) {
                t.setInfo(f, FrameTable.info(TAIL, 0, zone));
            }
            push(pfn, order, zone);
            t.addFree(zone, 1L << order);
            pfn += 1L << order;
        }
        t.addManaged(zone, end - start);
        return end - start;
    }
}
