package org.clkernel.machine;

import static org.clkernel.machine.Ram.I16;
import static org.clkernel.machine.Ram.I32;
import static org.clkernel.machine.Ram.I64;
import static org.clkernel.machine.Ram.PAGE_MASK;
import static org.clkernel.machine.Ram.PAGE_SHIFT;
import static org.clkernel.machine.Ram.PAGE_SIZE;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.clkernel.api.machine.MmioDevice;
import org.clkernel.api.machine.PhysicalMemory;

/**
 * The physical address bus: RAM below {@code ramSize} except where a device sits, MMIO devices in
 * their ranges, and an open bus elsewhere (reads all ones, writes dropped).
 *
 * <p>The fast paths handle an access that stays inside one backed RAM page; everything else (page
 * crossings, MMIO, untouched pages, holes, bad addresses) goes through {@link #slowRead} and
 * {@link #slowWrite}.
 */
final class PhysicalBus implements PhysicalMemory {

    private final Ram ram;
    private final long ramSize;
    private final long ramPages;
    private final List<MmioDevice> devices = new CopyOnWriteArrayList<>();

    PhysicalBus(Ram ram) {
        this.ram = ram;
        this.ramSize = ram.size();
        this.ramPages = ramSize >>> PAGE_SHIFT;
    }

    /** Plugs a device in. Its range must be page aligned and must not overlap another device. */
    void attach(MmioDevice device) {
        long base = device.base();
        long size = device.size();
        if ((base & PAGE_MASK) != 0 || (size & PAGE_MASK) != 0 || size <= 0 || base + size > ADDRESS_SPACE) {
            throw new IllegalArgumentException("device " + device.name() + " needs a page-aligned range below 4 GiB");
        }
        for (MmioDevice d : devices) {
            if (base < d.base() + d.size() && d.base() < base + size) {
                throw new IllegalArgumentException("device " + device.name() + " overlaps " + d.name());
            }
        }
        for (long pa = base; pa < base + size && pa < ramSize; pa += PAGE_SIZE) {
            ram.exclude((int) (pa >>> PAGE_SHIFT));
        }
        devices.add(device);
    }

    List<MmioDevice> devices() {
        return List.copyOf(devices);
    }

    @Override
    public long ramSize() {
        return ramSize;
    }

    @Override
    public long residentBytes() {
        return ram.residentBytes();
    }

    @Override
    public boolean isRam(long address) {
        return address >= 0 && address < ramSize && !ram.isExcluded((int) (address >>> PAGE_SHIFT));
    }

    // ---- loads ---------------------------------------------------------------------------------

    @Override
    public int read8(long pa) {
        long pfn = pa >>> PAGE_SHIFT;
        if (pfn < ramPages) {
            byte[] page = ram.pages[(int) pfn];
            if (page != null && page.length == PAGE_SIZE) {
                return page[(int) pa & PAGE_MASK] & 0xFF;
            }
        }
        return slowRead(pa, 1);
    }

    @Override
    public int read16(long pa) {
        long pfn = pa >>> PAGE_SHIFT;
        int off = (int) pa & PAGE_MASK;
        if (pfn < ramPages && off <= PAGE_SIZE - 2) {
            byte[] page = ram.pages[(int) pfn];
            if (page != null && page.length == PAGE_SIZE) {
                return (short) I16.get(page, off) & 0xFFFF;
            }
        }
        return slowRead(pa, 2);
    }

    @Override
    public int read32(long pa) {
        long pfn = pa >>> PAGE_SHIFT;
        int off = (int) pa & PAGE_MASK;
        if (pfn < ramPages && off <= PAGE_SIZE - 4) {
            byte[] page = ram.pages[(int) pfn];
            if (page != null && page.length == PAGE_SIZE) {
                return (int) I32.get(page, off);
            }
        }
        return slowRead(pa, 4);
    }

    @Override
    public long read64(long pa) {
        long pfn = pa >>> PAGE_SHIFT;
        int off = (int) pa & PAGE_MASK;
        if (pfn < ramPages && off <= PAGE_SIZE - 8) {
            byte[] page = ram.pages[(int) pfn];
            if (page != null && page.length == PAGE_SIZE) {
                return (long) I64.get(page, off);
            }
        }
        checkRange(pa, 8);
        return (read32(pa) & 0xFFFFFFFFL) | ((long) read32(pa + 4) << 32);
    }

    private int slowRead(long pa, int size) {
        checkRange(pa, size);
        if (((pa & PAGE_MASK) + size) > PAGE_SIZE) {
            int value = 0; // crosses a page: byte by byte, each byte from whatever answers for it
            for (int i = 0; i < size; i++) {
                value |= read8(pa + i) << (8 * i);
            }
            return value;
        }
        MmioDevice device = deviceAt(pa);
        if (device != null) {
            return device.read(pa - device.base(), size) & mask(size);
        }
        if (pa < ramSize) {
            byte[] page = ram.pageForRead((int) (pa >>> PAGE_SHIFT));
            if (page == null) {
                return 0; // never written: reads as zero
            }
            int off = (int) pa & PAGE_MASK;
            return switch (size) {
                case 1 -> page[off] & 0xFF;
                case 2 -> (short) I16.get(page, off) & 0xFFFF;
                default -> (int) I32.get(page, off);
            };
        }
        return mask(size); // open bus
    }

    // ---- stores --------------------------------------------------------------------------------

    @Override
    public void write8(long pa, int value) {
        long pfn = pa >>> PAGE_SHIFT;
        if (pfn < ramPages) {
            byte[] page = ram.pages[(int) pfn];
            if (page != null && page.length == PAGE_SIZE) {
                page[(int) pa & PAGE_MASK] = (byte) value;
                return;
            }
        }
        slowWrite(pa, 1, value);
    }

    @Override
    public void write16(long pa, int value) {
        long pfn = pa >>> PAGE_SHIFT;
        int off = (int) pa & PAGE_MASK;
        if (pfn < ramPages && off <= PAGE_SIZE - 2) {
            byte[] page = ram.pages[(int) pfn];
            if (page != null && page.length == PAGE_SIZE) {
                I16.set(page, off, (short) value);
                return;
            }
        }
        slowWrite(pa, 2, value);
    }

    @Override
    public void write32(long pa, int value) {
        long pfn = pa >>> PAGE_SHIFT;
        int off = (int) pa & PAGE_MASK;
        if (pfn < ramPages && off <= PAGE_SIZE - 4) {
            byte[] page = ram.pages[(int) pfn];
            if (page != null && page.length == PAGE_SIZE) {
                I32.set(page, off, value);
                return;
            }
        }
        slowWrite(pa, 4, value);
    }

    @Override
    public void write64(long pa, long value) {
        long pfn = pa >>> PAGE_SHIFT;
        int off = (int) pa & PAGE_MASK;
        if (pfn < ramPages && off <= PAGE_SIZE - 8) {
            byte[] page = ram.pages[(int) pfn];
            if (page != null && page.length == PAGE_SIZE) {
                I64.set(page, off, value);
                return;
            }
        }
        checkRange(pa, 8);
        write32(pa, (int) value);
        write32(pa + 4, (int) (value >>> 32));
    }

    private void slowWrite(long pa, int size, int value) {
        checkRange(pa, size);
        if (((pa & PAGE_MASK) + size) > PAGE_SIZE) {
            for (int i = 0; i < size; i++) {
                write8(pa + i, value >>> (8 * i));
            }
            return;
        }
        MmioDevice device = deviceAt(pa);
        if (device != null) {
            device.write(pa - device.base(), size, value & mask(size));
            return;
        }
        if (pa < ramSize) {
            byte[] page = ram.pageForWrite((int) (pa >>> PAGE_SHIFT));
            int off = (int) pa & PAGE_MASK;
            switch (size) {
                case 1 -> page[off] = (byte) value;
                case 2 -> I16.set(page, off, (short) value);
                default -> I32.set(page, off, value);
            }
        }
        // else: nothing decodes this address; the write is lost, as on a PC
    }

    @Override
    public boolean compareAndSet32(long pa, int expected, int replacement) {
        checkRange(pa, 4);
        if ((pa & 3) != 0) {
            throw new IllegalArgumentException(String.format("locked access to 0x%08x is not 4-byte aligned", pa));
        }
        if (!isRam(pa)) {
            // Paging structures outside RAM make no sense; behave like a read-modify-write.
            if (read32(pa) != expected) {
                return false;
            }
            write32(pa, replacement);
            return true;
        }
        byte[] page = ram.pageForWrite((int) (pa >>> PAGE_SHIFT));
        return I32.compareAndSet(page, (int) pa & PAGE_MASK, expected, replacement);
    }

    // ---- bulk ----------------------------------------------------------------------------------

    @Override
    public void read(long pa, byte[] dst, int offset, int length) {
        checkBulk(pa, dst, offset, length);
        while (length > 0) {
            int off = (int) pa & PAGE_MASK;
            int chunk = Math.min(length, PAGE_SIZE - off);
            if (isRam(pa)) {
                byte[] page = ram.pageForRead((int) (pa >>> PAGE_SHIFT));
                if (page == null) {
                    java.util.Arrays.fill(dst, offset, offset + chunk, (byte) 0);
                } else {
                    System.arraycopy(page, off, dst, offset, chunk);
                }
            } else {
                for (int i = 0; i < chunk; i++) {
                    dst[offset + i] = (byte) slowRead(pa + i, 1);
                }
            }
            pa += chunk;
            offset += chunk;
            length -= chunk;
        }
    }

    @Override
    public void write(long pa, byte[] src, int offset, int length) {
        checkBulk(pa, src, offset, length);
        while (length > 0) {
            int off = (int) pa & PAGE_MASK;
            int chunk = Math.min(length, PAGE_SIZE - off);
            if (isRam(pa)) {
                System.arraycopy(src, offset, ram.pageForWrite((int) (pa >>> PAGE_SHIFT)), off, chunk);
            } else {
                for (int i = 0; i < chunk; i++) {
                    slowWrite(pa + i, 1, src[offset + i]);
                }
            }
            pa += chunk;
            offset += chunk;
            length -= chunk;
        }
    }

    @Override
    public void zero(long pa, long length) {
        if (length < 0 || pa < 0 || pa + length > ADDRESS_SPACE) {
            throw new IllegalArgumentException(String.format("cannot zero %d bytes at 0x%x", length, pa));
        }
        while (length > 0) {
            int off = (int) pa & PAGE_MASK;
            int chunk = (int) Math.min(length, PAGE_SIZE - off);
            if (isRam(pa)) {
                byte[] page = ram.pageForRead((int) (pa >>> PAGE_SHIFT));
                if (page != null) {
                    java.util.Arrays.fill(page, off, off + chunk, (byte) 0);
                }
            } else {
                for (int i = 0; i < chunk; i++) {
                    slowWrite(pa + i, 1, 0);
                }
            }
            pa += chunk;
            length -= chunk;
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    MmioDevice deviceAt(long pa) {
        for (MmioDevice d : devices) {
            if (pa >= d.base() && pa - d.base() < d.size()) {
                return d;
            }
        }
        return null;
    }

    private static int mask(int size) {
        return size == 4 ? -1 : (1 << (8 * size)) - 1;
    }

    static void checkRange(long pa, int size) {
        if (pa < 0 || pa > ADDRESS_SPACE - size) {
            throw new IllegalArgumentException(String.format(
                    "physical address 0x%x (+%d bytes) is outside the 32-bit address space", pa, size));
        }
    }

    private static void checkBulk(long pa, byte[] buffer, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, buffer.length);
        if (length > 0) {
            checkRange(pa, length);
        }
    }
}
