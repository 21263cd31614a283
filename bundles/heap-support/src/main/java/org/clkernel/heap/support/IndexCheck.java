package org.clkernel.heap.support;

import org.clkernel.api.heap.HeapView;

/**
 * Compares what an index holds with the free blocks the heap visits. Both sides come in address
 * order, so one merge walk finds the lowest address on which they disagree.
 */
public final class IndexCheck {

    private IndexCheck() {
    }

    /**
     * @param addresses the indexed blocks, ascending
     * @param sizes the size each is indexed with
     * @return null when the index holds exactly the heap's free blocks with their sizes, else one
     *         line naming the lowest block on which they disagree
     */
    public static String compare(HeapView heap, long[] addresses, long[] sizes) {
        Merge merge = new Merge(addresses, sizes);
        heap.forEachFree(merge);
        if (merge.problem == null && merge.next < addresses.length) {
            merge.extra(merge.next);
        }
        return merge.problem;
    }

    private static final class Merge implements HeapView.FreeBlockVisitor {
        private final long[] addresses;
        private final long[] sizes;
        int next;
        String problem;

        Merge(long[] addresses, long[] sizes) {
            this.addresses = addresses;
            this.sizes = sizes;
        }

        @Override
        public void visit(long address, long size) {
            if (problem != null) {
                return;
            }
            if (next < addresses.length && addresses[next] < address) {
                extra(next);
            } else if (next < addresses.length && addresses[next] == address) {
                if (sizes[next] != size) {
                    problem = String.format("block 0x%x is indexed with size %d, the heap says %d", address, sizes[next], size);
                }
                next++;
            } else {
                problem = String.format("block 0x%x of %d bytes is not indexed", address, size);
            }
        }

        void extra(int i) {
            problem = String.format("block 0x%x of %d bytes is indexed but not free in the heap", addresses[i], sizes[i]);
        }
    }
}
