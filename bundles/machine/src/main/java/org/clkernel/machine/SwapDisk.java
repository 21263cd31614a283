package org.clkernel.machine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.machine.SwapDevice;

/**
 * The swap disk, sparse like {@link Ram}: one 4 KiB array per slot, made on its first write and
 * dropped by {@link #discard}. Invariant: {@code data[slot]} is null (reads as zeros) or an array
 * of {@value SwapDevice#SLOT_SIZE} bytes that only its slot's writes change.
 */
final class SwapDisk implements SwapDevice {
    static final int MAX_MIB = 4096;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(byte[][].class);

    private final PhysicalMemory bus;
    private final byte[][] data;
    private final AtomicInteger stored = new AtomicInteger();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();

    SwapDisk(PhysicalMemory bus, int mib) {
        if (mib < 0 || mib > MAX_MIB) {
            throw new IllegalArgumentException("swap size " + mib + " MiB is outside 0.." + MAX_MIB);
        }
        this.bus = bus;
        this.data = new byte[(int) (((long) mib << 20) / SLOT_SIZE)][];
    }

    @Override
    public int slots() {
        return data.length;
    }

    @Override
    public void read(int slot, long frameAddress) {
        check(slot, frameAddress);
        byte[] block = (byte[]) SLOT.getAcquire(data, slot);
        if (block == null) {
            bus.zero(frameAddress, SLOT_SIZE);
        } else {
            bus.write(frameAddress, block, 0, SLOT_SIZE);
        }
        reads.incrementAndGet();
    }

    @Override
    public void write(int slot, long frameAddress) {
        check(slot, frameAddress);
        byte[] block = new byte[SLOT_SIZE];
        bus.read(frameAddress, block, 0, SLOT_SIZE);
        if (SLOT.getAndSetRelease(data, slot, block) == null) {
            stored.incrementAndGet();
        }
        writes.incrementAndGet();
    }

    @Override
    public void discard(int slot) {
        checkSlot(slot);
        if (SLOT.getAndSetRelease(data, slot, (byte[]) null) != null) {
            stored.decrementAndGet();
        }
    }

    @Override
    public int storedSlots() {
        return stored.get();
    }

    @Override
    public long reads() {
        return reads.get();
    }

    @Override
    public long writes() {
        return writes.get();
    }

    private void checkSlot(int slot) {
        if (slot < 0 || slot >= data.length) {
            throw new IllegalArgumentException("swap slot " + slot + " is outside 0.." + (data.length - 1));
        }
    }

    private void check(int slot, long frameAddress) {
        checkSlot(slot);
        if ((frameAddress & (SLOT_SIZE - 1)) != 0 || frameAddress < 0 || !bus.isRam(frameAddress)) {
            throw new IllegalArgumentException(String.format("0x%x is not a 4 KiB frame of RAM", frameAddress));
        }
    }

    @Override
    public String toString() {
        return String.format("swap disk: %d slots (%d MiB), %d stored", data.length, (long) data.length * SLOT_SIZE >> 20,
                stored.get());
    }
}
