package org.clkernel.supervisor;

import java.util.Arrays;

/**
 * The live blocks of the heap as intervals of their payloads, in address order: which block holds
 * an address is a binary search over the starts, O(log N).
 */
final class BlockIndex {
    /** Payload starts (the addresses callers were given), ascending. */
    final long[] starts;
    /** Payload ends (start plus the bytes asked for), exclusive. */
    final long[] ends;
    final int[] owners;
    final int[] sites;
    final long[] ages;
    final int size;

    private BlockIndex(long[] starts, long[] ends, int[] owners, int[] sites, long[] ages, int size) {
        this.starts = starts;
        this.ends = ends;
        this.owners = owners;
        this.sites = sites;
        this.ages = ages;
        this.size = size;
    }

    /** Collects blocks added in any order and sorts them by start. */
    static final class Builder {
        private long[] starts = new long[256];
        private long[] ends = new long[256];
        private int[] owners = new int[256];
        private int[] sites = new int[256];
        private long[] ages = new long[256];
        private int size;
        private boolean sorted = true;

        void add(long start, long length, int owner, int site, long ageMillis) {
            if (size == starts.length) {
                int n = size * 2;
                starts = Arrays.copyOf(starts, n);
                ends = Arrays.copyOf(ends, n);
                owners = Arrays.copyOf(owners, n);
                sites = Arrays.copyOf(sites, n);
                ages = Arrays.copyOf(ages, n);
            }
            if (size > 0 && start < starts[size - 1]) {
                sorted = false;
            }
            starts[size] = start;
            ends[size] = start + length;
            owners[size] = owner;
            sites[size] = site;
            ages[size] = ageMillis;
            size++;
        }

        BlockIndex build() {
            if (!sorted) {
                sortByStart();
            }
            return new BlockIndex(starts, ends, owners, sites, ages, size);
        }

        /** The heap visits blocks in address order; this is only for a visitor that does not. */
        private void sortByStart() {
            Integer[] order = new Integer[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Long.compare(starts[a], starts[b]));
            long[] s = new long[size], e = new long[size], g = new long[size];
            int[] o = new int[size], t = new int[size];
            for (int i = 0; i < size; i++) {
                int k = order[i];
                s[i] = starts[k];
                e[i] = ends[k];
                g[i] = ages[k];
                o[i] = owners[k];
                t[i] = sites[k];
            }
            starts = s;
            ends = e;
            ages = g;
            owners = o;
            sites = t;
        }
    }

    /** The block whose payload holds {@code address}, or -1. */
    int find(long address) {
        int lo = 0, hi = size - 1, hit = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] <= address) {
                hit = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return hit >= 0 && address < ends[hit] ? hit : -1;
    }

    /** The first block whose payload ends after {@code address}: where blocks overlapping a range begin. */
    int firstEndingAfter(long address) {
        int lo = 0, hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ends[mid] <= address) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
