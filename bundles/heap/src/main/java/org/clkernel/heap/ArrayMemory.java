package org.clkernel.heap;

import static org.clkernel.api.paging.KernelLayout.HEAP_WINDOW;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Heap memory in plain Java arrays, one per 4 KiB page, at the addresses of the kernel heap
 * window: the scratch memory of a trace replay, which runs the kernel heap's own code without
 * touching the kernel heap. Growth is bounded by {@code limit} bytes, so a replay can run out of
 * memory as the kernel heap would.
 */
final class ArrayMemory extends HeapMemory {
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[][] pages = new byte[64][];
    private final long limit;
    private long mapped;

    /** @param limit the most bytes it may map */
    ArrayMemory(long limit) {
        this.limit = limit;
    }

    private byte[] page(long va) {
        byte[] page = pages[(int) ((va - HEAP_WINDOW) >>> 12)];
        if (page == null) {
            throw new IllegalStateException(String.format("heap page 0x%x is not mapped", va & ~(PAGE - 1)));
        }
        return page;
    }

    @Override
    int read32(long va) {
        return (int) I32.get(page(va), (int) (va & (PAGE - 1)));
    }

    @Override
    void write32(long va, int value) {
        I32.set(page(va), (int) (va & (PAGE - 1)), value);
    }

    @Override
    long read64(long va) {
        return (long) I64.get(page(va), (int) (va & (PAGE - 1)));
    }

    @Override
    void write64(long va, long value) {
        I64.set(page(va), (int) (va & (PAGE - 1)), value);
    }

    @Override
    void read(long va, byte[] into, int offset, int length) {
        for (int done = 0; done < length;) {
            long at = va + done;
            int n = (int) Math.min(length - done, PAGE - (at & (PAGE - 1)));
            System.arraycopy(page(at), (int) (at & (PAGE - 1)), into, offset + done, n);
            done += n;
        }
    }

    @Override
    void write(long va, byte[] from, int offset, int length) {
        for (int done = 0; done < length;) {
            long at = va + done;
            int n = (int) Math.min(length - done, PAGE - (at & (PAGE - 1)));
            System.arraycopy(from, offset + done, page(at), (int) (at & (PAGE - 1)), n);
            done += n;
        }
    }

    @Override
    void zero(long va, long length) {
        fill(va, length, (byte) 0);
    }

    @Override
    void fill(long va, long length, byte value) {
        for (long done = 0; done < length;) {
            long at = va + done;
            int n = (int) Math.min(length - done, PAGE - (at & (PAGE - 1)));
            int from = (int) (at & (PAGE - 1));
            Arrays.fill(page(at), from, from + n, value);
            done += n;
        }
    }

    @Override
    boolean map(long va, long count) {
        if (va < HEAP_WINDOW || mapped + count * PAGE > limit) {
            return false;
        }
        int last = (int) ((va - HEAP_WINDOW) / PAGE + count);
        if (last > pages.length) {
            pages = Arrays.copyOf(pages, Math.max(last, 2 * pages.length));
        }
        for (int i = (int) ((va - HEAP_WINDOW) / PAGE); i < last; i++) {
            if (pages[i] == null) {
                pages[i] = new byte[(int) PAGE];
                mapped += PAGE;
            }
        }
        return true;
    }
}
