package org.clkernel.machine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sparse RAM: one 4 KiB Java array per page, made on the first write. A page never written reads
 * as zero and costs one null reference, so a 3 GiB machine whose RAM is untouched costs 3 MiB.
 *
 * <p>Invariant: {@code pages[pfn]} is null, a 4 KiB array that is never replaced once published, or
 * {@link #NOT_RAM} for a page that belongs to an MMIO device and must never be backed by RAM.
 */
final class Ram {
    static final int PAGE_SHIFT = 12;
    static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    static final int PAGE_MASK = PAGE_SIZE - 1;

    /** Marks a page inside the RAM range that an MMIO device answers for. */
    static final byte[] NOT_RAM = new byte[0];

    static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(byte[][].class);

    final byte[][] pages;
    private final long size;
    private final AtomicInteger resident = new AtomicInteger();

    Ram(long size) {
        if (size <= 0 || (size & PAGE_MASK) != 0 || size > (1L << 32)) {
            throw new IllegalArgumentException("RAM size must be a positive multiple of 4 KiB up to 4 GiB");
        }
        this.size = size;
        this.pages = new byte[(int) (size >>> PAGE_SHIFT)][];
    }

    long size() {
        return size;
    }

    long residentBytes() {
        return (long) resident.get() * PAGE_SIZE;
    }

    /** Reserves a page for a device: it will never be backed by RAM. */
    void exclude(int pfn) {
        pages[pfn] = NOT_RAM;
    }

    boolean isExcluded(int pfn) {
        return pages[pfn] == NOT_RAM;
    }

    /** The page for a write, created zero-filled if this is its first write. */
    byte[] pageForWrite(int pfn) {
        byte[] page = (byte[]) SLOT.getAcquire(pages, pfn);
        if (page != null) {
            return page;
        }
        byte[] fresh = new byte[PAGE_SIZE];
        byte[] witness = (byte[]) SLOT.compareAndExchangeRelease(pages, pfn, (byte[]) null, fresh);
        if (witness != null) {
            return witness; // another thread backed the page first: use its array
        }
        resident.incrementAndGet();
        return fresh;
    }

    /** The page if it is backed, else null (reads as zero). */
    byte[] pageForRead(int pfn) {
        return (byte[]) SLOT.getAcquire(pages, pfn);
    }
}
