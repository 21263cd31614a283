package org.clkernel.heap.replay;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Writes a generated trace against a budget of operations. The budget counts the operations
 * written and the frees still owed to the live blocks, so an allocation costs two, a reallocation
 * one and a free nothing: a family that allocates only while {@link #left} allows can always free
 * everything and end on the budget exactly. Every block gets an id of its own, as in the lab's
 * traces. The finished trace passes through {@link TraceRules}, the same rules a file is read by.
 */
final class TraceBuilder {
    private final String name;
    private final int budget;
    private byte[] kinds = new byte[64];
    private int[] blockIds = new int[64];
    private long[] sizes = new long[64];
    private int ops;
    /** Size of each id while live, -1 once freed. */
    private long[] liveSize = new long[64];
    /** The live ids, in no order, and each live id's place in it. */
    private int[] liveIds = new int[64];
    private int[] place = new int[64];
    private int live;
    private int nextId;
    private long liveBytes;
    private long peakBytes;

    TraceBuilder(String name, int budget) {
        this.name = name;
        this.budget = budget;
    }

    /** Budget not yet spent or owed. */
    int left() {
        return budget - ops - live;
    }

    int live() {
        return live;
    }

    /** The {@code i}th live id, in no particular order. */
    int liveId(int i) {
        return liveIds[i];
    }

    long size(int id) {
        return liveSize[id];
    }

    /** Allocates a block. @return its id */
    int alloc(long size) {
        int id = nextId++;
        if (id == liveSize.length) {
            liveSize = Arrays.copyOf(liveSize, 2 * id);
            place = Arrays.copyOf(place, 2 * id);
        }
        if (live == liveIds.length) {
            liveIds = Arrays.copyOf(liveIds, 2 * live);
        }
        liveSize[id] = size;
        liveBytes += size;
        place[id] = live;
        liveIds[live++] = id;
        record(RepTrace.ALLOCATE, id, size);
        return id;
    }

    void realloc(int id, long size) {
        liveBytes += size - liveSize[id];
        liveSize[id] = size;
        record(RepTrace.REALLOCATE, id, size);
    }

    void free(int id) {
        int last = liveIds[--live];
        liveIds[place[id]] = last;
        place[last] = place[id];
        liveBytes -= liveSize[id];
        liveSize[id] = -1;
        record(RepTrace.FREE, id, 0);
    }

    /** Spends what is left of the budget, an even number, on blocks of {@code size} each freed at once. */
    void pad(long size) {
        while (left() >= 2) {
            free(alloc(size));
        }
    }

    /** Frees every live block in an order drawn from {@code rng}. */
    void freeAll(SplittableRandom rng) {
        while (live > 0) {
            free(liveIds[rng.nextInt(live)]);
        }
    }

    RepTrace build() {
        TraceRules rules = new TraceRules(name, peakBytes, nextId, ops, 1);
        for (int i = 0; i < ops; i++) {
            rules.add((char) kinds[i], blockIds[i], sizes[i], i + 5);
        }
        return rules.finish(ops + 5);
    }

    private void record(char kind, int id, long size) {
        if (ops == kinds.length) {
            kinds = Arrays.copyOf(kinds, 2 * ops);
            blockIds = Arrays.copyOf(blockIds, 2 * ops);
            sizes = Arrays.copyOf(sizes, 2 * ops);
        }
        kinds[ops] = (byte) kind;
        blockIds[ops] = id;
        sizes[ops] = size;
        ops++;
        peakBytes = Math.max(peakBytes, liveBytes);
    }
}
