package org.clkernel.heap.replay;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small correct heap over a byte array for the replay to run on: first fit over free blocks
 * kept by address, merged with both neighbours when freed, and a break that only grows, as the
 * lab's {@code mem_sbrk}. No headers: blocks are 8-byte multiples, so the numbers a test expects
 * can be worked out by hand. Tests that need a broken heap override one method of it.
 */
class ArrayHeap implements ReplayTarget {
    static final long BASE = 0x10000;

    final byte[] memory;
    final TreeMap<Long, Long> used = new TreeMap<>();
    final TreeMap<Long, Long> free = new TreeMap<>();
    long brk = BASE;

    ArrayHeap(int capacity) {
        memory = new byte[capacity];
    }

    ArrayHeap() {
        this(1 << 20);
    }

    static long round(long size) {
        return (Math.max(size, 1) + 7) & ~7L;
    }

    @Override
    public long malloc(long size) {
        return allocate(size);
    }

    private long allocate(long size) {
        long n = round(size);
        for (Map.Entry<Long, Long> e : free.entrySet()) {
            long at = e.getKey();
            long length = e.getValue();
            if (length >= n) {
                free.remove(at);
                if (length > n) {
                    free.put(at + n, length - n);
                }
                used.put(at, n);
                return at;
            }
        }
        Map.Entry<Long, Long> last = free.lastEntry();
        long at = last != null && last.getKey() + last.getValue() == brk ? last.getKey() : brk;
        if (at + n > BASE + memory.length) {
            return 0;
        }
        if (at != brk) {
            free.remove(at);
        }
        brk = at + n;
        used.put(at, n);
        return at;
    }

    @Override
    public long realloc(long address, long size) {
        long old = blockAt(address);
        if (round(size) <= old) {
            return address;
        }
        long p = allocate(size);
        if (p != 0) {
            System.arraycopy(memory, index(address), memory, index(p), (int) old);
            free(address);
        }
        return p;
    }

    @Override
    public void free(long address) {
        long size = blockAt(address);
        used.remove(address);
        long at = address;
        Map.Entry<Long, Long> before = free.floorEntry(at);
        if (before != null && before.getKey() + before.getValue() == at) {
            at = before.getKey();
            size += before.getValue();
            free.remove(at);
        }
        Long after = free.remove(at + size);
        free.put(at, size + (after == null ? 0 : after));
    }

    @Override
    public void fill(long address, byte value, long length) {
        Arrays.fill(memory, index(address), index(address) + (int) length, value);
    }

    @Override
    public long firstMismatch(long address, byte value, long length) {
        for (int i = 0; i < length; i++) {
            if (memory[index(address) + i] != value) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public long heapStart() {
        return BASE;
    }

    @Override
    public long heapEnd() {
        return brk;
    }

    @Override
    public long heapBytes() {
        return brk - BASE;
    }

    /** Blocks, used and free, tile the heap from its start to the break, and no two free ones touch. */
    @Override
    public String check() {
        TreeMap<Long, Long> all = new TreeMap<>(used);
        long expected = BASE;
        boolean previousFree = false;
        for (Map.Entry<Long, Long> e : free.entrySet()) {
            all.put(e.getKey(), -e.getValue());
        }
        for (Map.Entry<Long, Long> e : all.entrySet()) {
            if (e.getKey() != expected) {
                return String.format("block at 0x%x, expected one at 0x%x", e.getKey(), expected);
            }
            boolean isFree = e.getValue() < 0;
            if (isFree && previousFree) {
                return String.format("free blocks meet at 0x%x", e.getKey());
            }
            previousFree = isFree;
            expected += Math.abs(e.getValue());
        }
        return expected == brk ? null : String.format("blocks end at 0x%x, the break is 0x%x", expected, brk);
    }

    private long blockAt(long address) {
        Long size = used.get(address);
        if (size == null) {
            throw new IllegalArgumentException(String.format("0x%x is not a live block", address));
        }
        return size;
    }

    private int index(long address) {
        return Math.toIntExact(address - BASE);
    }
}
