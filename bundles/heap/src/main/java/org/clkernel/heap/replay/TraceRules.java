package org.clkernel.heap.replay;

import java.util.Arrays;

/**
 * Takes a trace's operations one at a time, keeps the rules of {@link RepTrace} about ids and
 * block lives, and stores what passes. One place for the rules, so a trace read from a file and one
 * made by a generator are held to the same ones.
 *
 * <p>Storage grows with the operations actually seen, never by the header's numbers alone, so a
 * header that claims billions of operations costs nothing until they come.
 */
final class TraceRules {
    private static final byte NEVER = 0;
    private static final byte LIVE = 1;
    private static final byte FREED = 2;

    private final String name;
    private final long suggestedHeapSize;
    private final int ids;
    private final int operations;
    private final long weight;

    private byte[] kinds = new byte[64];
    private int[] blockIds = new int[64];
    private long[] sizes = new long[64];
    private int count;
    /** Per id: never allocated, live or freed, and the line of its last allocation or free. */
    private byte[] state = new byte[64];
    private int[] since = new int[64];

    TraceRules(String name, long suggestedHeapSize, int ids, int operations, long weight) {
        this.name = name;
        this.suggestedHeapSize = suggestedHeapSize;
        this.ids = ids;
        this.operations = operations;
        this.weight = weight;
    }

    /** The one-line error for {@code line}. */
    IllegalArgumentException error(int line, String what) {
        return new IllegalArgumentException(name + " line " + line + ": " + what);
    }

    /** Adds one operation found at {@code line}; {@code size} is ignored for a free. */
    void add(char kind, int id, long size, int line) {
        if (count == operations) {
            throw error(line, "more operations than the header's " + operations);
        }
        if (id < 0 || id >= ids) {
            throw error(line, "id " + id + " is out of range: the header gives " + ids + " ids");
        }
        if (kind != RepTrace.FREE && (size < 0 || size > RepTrace.MAX_SIZE)) {
            throw error(line, "size " + size + " is outside 0.." + RepTrace.MAX_SIZE);
        }
        ensureId(id);
        switch (kind) {
            case RepTrace.ALLOCATE -> {
                if (state[id] == LIVE) {
                    throw error(line, "id " + id + " is allocated again while live (since line " + since[id] + ")");
                }
                state[id] = LIVE;
                since[id] = line;
            }
            case RepTrace.REALLOCATE, RepTrace.FREE -> {
                if (state[id] != LIVE) {
                    throw error(line, kind + " of id " + id + ", which "
                            + (state[id] == NEVER ? "was never allocated" : "was freed at line " + since[id]));
                }
                if (kind == RepTrace.FREE) {
                    state[id] = FREED;
                    since[id] = line;
                }
            }
            default -> throw error(line, "unknown operation \"" + kind + "\": expected a, r or f");
        }
        store(kind, id, kind == RepTrace.FREE ? 0 : size);
    }

    /** The trace, once the input ended at {@code line}. */
    RepTrace finish(int line) {
        if (count != operations) {
            throw error(line, "the file ends after " + count + " of the header's " + operations + " operations");
        }
        return new RepTrace(name, suggestedHeapSize, ids, weight,
                Arrays.copyOf(kinds, count), Arrays.copyOf(blockIds, count), Arrays.copyOf(sizes, count));
    }

    private void store(char kind, int id, long size) {
        if (count == kinds.length) {
            int grown = (int) Math.min(operations, 2L * count);
            kinds = Arrays.copyOf(kinds, grown);
            blockIds = Arrays.copyOf(blockIds, grown);
            sizes = Arrays.copyOf(sizes, grown);
        }
        kinds[count] = (byte) kind;
        blockIds[count] = id;
        sizes[count] = size;
        count++;
    }

    private void ensureId(int id) {
        if (id >= state.length) {
            int grown = (int) Math.min(ids, Math.max(2L * state.length, id + 1L));
            state = Arrays.copyOf(state, grown);
            since = Arrays.copyOf(since, grown);
        }
    }
}
