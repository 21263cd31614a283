package org.clkernel.heap.replay;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The blocks a replay holds, by id and by address: where each lies, how many bytes the replay
 * owns there, and how many the trace asked for. Ordered by address so that whether a new payload
 * overlaps a live one costs two look-ups, not a walk over every block.
 */
final class LiveBlocks {
    private final TreeMap<Long, Integer> byAddress = new TreeMap<>();
    private long[] address = new long[64];
    private long[] length = new long[64];
    private long[] requested = new long[64];
    private long requestedBytes;

    long address(int id) {
        return address[id];
    }

    /** Bytes of the payload the replay owns and checks. */
    long length(int id) {
        return length[id];
    }

    /** The sum of the sizes the trace asked for, over the live blocks. */
    long requestedBytes() {
        return requestedBytes;
    }

    /** The id of a live block that the range {@code [lo, hi)} overlaps, or -1. */
    int overlapping(long lo, long hi) {
        Map.Entry<Long, Integer> below = byAddress.floorEntry(lo);
        if (below != null && below.getKey() + length[below.getValue()] > lo) {
            return below.getValue();
        }
        Map.Entry<Long, Integer> above = byAddress.higherEntry(lo);
        return above != null && above.getKey() < hi ? above.getValue() : -1;
    }

    void add(int id, long at, long bytes, long asked) {
        if (id >= address.length) {
            int grown = Math.max(id + 1, 2 * address.length);
            address = Arrays.copyOf(address, grown);
            length = Arrays.copyOf(length, grown);
            requested = Arrays.copyOf(requested, grown);
        }
        address[id] = at;
        length[id] = bytes;
        requested[id] = asked;
        requestedBytes += asked;
        byAddress.put(at, id);
    }

    void remove(int id) {
        byAddress.remove(address[id]);
        requestedBytes -= requested[id];
        requested[id] = 0;
    }
}
