package org.clkernel.machine;

import static org.clkernel.machine.Ram.PAGE_MASK;
import static org.clkernel.machine.Ram.PAGE_SIZE;

import java.util.List;

import org.clkernel.api.machine.AccessKind;
import org.clkernel.api.machine.CpuContext;
import org.clkernel.api.machine.MmuCounters;
import org.clkernel.api.machine.PageFault;
import org.clkernel.api.machine.PageFaultException;
import org.clkernel.api.machine.PageFaultHandler;
import org.clkernel.api.machine.PageWalk;
import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.machine.TlbEntry;
import org.clkernel.api.x86.Cr0;
import org.clkernel.api.x86.Cr3;
import org.clkernel.api.x86.Cr4;
import org.clkernel.api.x86.PageFaultError;

/**
 * A CPU context: control registers, CPL, a TLB and the MMU logic that uses them.
 *
 * <p>The fast path of every load and store is a TLB hit inside one page: one slot read, one tag and
 * rights test against a precomputed mask, then the physical bus. Everything else (paging off aside)
 * goes through {@link #translate}. Rights are cached in the TLB as the walk combined them and are
 * checked against the current CPL and CR0.WP, as hardware does; a refused access through a cached
 * entry faults without a walk (a "spurious" fault after a rights upgrade without INVLPG, SDM
 * §4.10.4.3), and a write through a clean entry walks again to set D.
 *
 * <p>Invalidations that other threads request ({@link #requestInvlpg}, {@link #requestFlush}) wait
 * in a queue; while it is not empty every access takes the slow path, which applies them first.
 */
final class Cpu implements CpuContext {
    /** How many times one access is retried after the handler says it fixed the fault. */
    static final int MAX_FAULT_RETRIES = 8;
    static final int RESET_CR0 = Cr0.PE | Cr0.ET; // Multiboot hand-off: protected mode, paging off

    private final String name;
    private final PhysicalBus bus;
    private final Tlb tlb;
    private final int[] tlbWord;
    private final int[] tlbFrame;
    private final int tlbMask;
    /** Invalidations other threads asked for; applied before the next translation. */
    private final PendingInvalidations shootdowns = new PendingInvalidations();

    private int cr0 = RESET_CR0;
    private long cr2;
    private int cr3;
    private int cr4;
    private int cpl;
    /** TLB flags a cached entry needs for a read / a write at the current CPL and CR0.WP. */
    private int readNeed;
    private int writeNeed;
    private volatile PageFaultHandler handler;

    private long tlbMisses;
    private long pageFaults;
    private long tlbFlushes;
    private long invlpgs;

    Cpu(String name, PhysicalBus bus, int tlbCapacity) {
        this.name = name;
        this.bus = bus;
        this.tlb = new Tlb(tlbCapacity);
        this.tlbWord = tlb.word;
        this.tlbFrame = tlb.frame;
        this.tlbMask = tlb.mask;
        updateNeeds();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PhysicalMemory physical() {
        return bus;
    }

    // ---- control registers ---------------------------------------------------------------------

    @Override
    public int cr0() {
        return cr0;
    }

    @Override
    public void setCr0(int value) {
        int next = (value & Cr0.DEFINED) | Cr0.ET;
        if ((next & Cr0.PG) != 0 && (next & Cr0.PE) == 0) {
            throw new IllegalArgumentException("#GP: CR0.PG cannot be set while CR0.PE is clear");
        }
        boolean pagingOff = (cr0 & Cr0.PG) != 0 && (next & Cr0.PG) == 0;
        cr0 = next;
        if (pagingOff) {
            flushTlb();
        }
        updateNeeds();
    }

    @Override
    public long cr2() {
        return cr2;
    }

    @Override
    public void setCr2(long value) {
        cr2 = value & 0xFFFFFFFFL;
    }

    @Override
    public int cr3() {
        return cr3;
    }

    @Override
    public void setCr3(int value) {
        cr3 = value & Cr3.DEFINED;
        tlb.flushNonGlobal();
        tlbFlushes++;
    }

    @Override
    public int cr4() {
        return cr4;
    }

    @Override
    public void setCr4(int value) {
        int unsupported = value & ~Cr4.SUPPORTED;
        if (unsupported != 0) {
            String why = (unsupported & Cr4.PAE) != 0 ? "PAE paging is not implemented by this 32-bit machine"
                    : "only PSE (bit 4) and PGE (bit 7) are implemented";
            throw new IllegalArgumentException(String.format("#GP: CR4 bits 0x%x: %s", unsupported, why));
        }
        boolean flush = ((cr4 ^ value) & (Cr4.PGE | Cr4.PSE)) != 0;
        cr4 = value;
        if (flush) {
            flushTlb();
        }
    }

    @Override
    public int cpl() {
        return cpl;
    }

    @Override
    public void setCpl(int value) {
        if (value < 0 || value > 3) {
            throw new IllegalArgumentException("CPL must be 0, 1, 2 or 3, not " + value);
        }
        cpl = value;
        updateNeeds();
    }

    private void updateNeeds() {
        boolean user = cpl == 3;
        readNeed = Tlb.VALID | (user ? Tlb.USER : 0);
        writeNeed = Tlb.VALID | Tlb.DIRTY
                | (user ? Tlb.USER | Tlb.WRITABLE : ((cr0 & Cr0.WP) != 0 ? Tlb.WRITABLE : 0));
    }

    // ---- TLB -----------------------------------------------------------------------------------

    @Override
    public void invlpg(long linearAddress) {
        checkLinear(linearAddress, 1);
        tlb.invalidate((int) linearAddress);
        invlpgs++;
    }

    @Override
    public void flushTlb() {
        tlb.flushAll();
        tlbFlushes++;
    }

    @Override
    public void requestInvlpg(long linearAddress) {
        checkLinear(linearAddress, 1);
        shootdowns.invalidate((int) linearAddress);
    }

    @Override
    public void requestFlush() {
        shootdowns.flush();
    }

    /** Runs on this context's thread: the only place requested invalidations reach the TLB. */
    private void applyShootdowns() {
        int dropped = shootdowns.drain(tlb);
        if (dropped < 0) {
            tlbFlushes++;
        } else {
            invlpgs += dropped;
        }
    }

    @Override
    public List<TlbEntry> tlbEntries() {
        if (shootdowns.pending) {
            applyShootdowns();
        }
        return tlb.entries();
    }

    @Override
    public int tlbCapacity() {
        return tlb.capacity();
    }

    @Override
    public MmuCounters counters() {
        return new MmuCounters(tlbMisses, pageFaults, tlbFlushes, invlpgs);
    }

    @Override
    public void setPageFaultHandler(PageFaultHandler handler) {
        this.handler = handler;
    }

    @Override
    public PageWalk walk(long linearAddress) {
        checkLinear(linearAddress, 1);
        return PageWalker.inspect(bus, linearAddress, cr3, cr4);
    }

    // ---- translation ---------------------------------------------------------------------------

    @Override
    public long translate(long linearAddress, AccessKind access) {
        checkLinear(linearAddress, 1);
        if (shootdowns.pending) {
            applyShootdowns();
        }
        if (cr0 >= 0) { // CR0.PG is bit 31: a non-negative CR0 means paging is off
            return linearAddress;
        }
        int linear = (int) linearAddress;
        for (int attempt = 0;; attempt++) {
            long result = lookupOrWalk(linear, access);
            if ((result & PageWalker.FAULT) == 0) {
                return result | (linear & PAGE_MASK);
            }
            deliver(new PageFault((int) result, linearAddress, access), attempt);
        }
    }

    /** A physical page address, or {@code FAULT | errorCode}. */
    private long lookupOrWalk(int linear, AccessKind access) {
        int i = tlb.lookup(linear);
        if (i >= 0) {
            int w = tlbWord[i];
            boolean user = cpl == 3;
            if (!PageWalker.allowed(w & Tlb.WRITABLE, w & Tlb.USER, access.isWrite(), user, cr0)) {
                return PageWalker.FAULT | PageFaultError.P
                        | (access.isWrite() ? PageFaultError.WR : 0) | (user ? PageFaultError.US : 0);
            }
            if (!access.isWrite() || (w & Tlb.DIRTY) != 0) {
                return tlbFrame[i] & 0xFFFFFFFFL;
            }
            // a write through a clean entry: walk again so that D gets set in memory
        } else {
            tlbMisses++;
        }
        long result = PageWalker.walk(bus, linear, access, cr0, cr3, cr4, cpl);
        if ((result & PageWalker.FAULT) == 0) {
            tlb.fill(linear, (int) result, (int) (result >>> 32));
            return result & 0xFFFFFFFFL;
        }
        return result;
    }

    /** Loads CR2, drops the TLB entries for the address (SDM §4.10.4.1) and calls the #PF vector. */
    private void deliver(PageFault fault, int attempt) {
        cr2 = fault.linearAddress();
        pageFaults++;
        tlb.invalidate((int) fault.linearAddress());
        PageFaultHandler h = handler;
        if (h == null || attempt >= MAX_FAULT_RETRIES) {
            throw new PageFaultException(fault);
        }
        boolean retry;
        try {
            retry = h.handle(this, fault);
        } catch (PageFaultException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new PageFaultException(fault, e); // a failing handler must not take the caller down with it
        }
        if (!retry) {
            throw new PageFaultException(fault);
        }
    }

    // ---- loads and stores ----------------------------------------------------------------------

    /**
     * The fast path of every access: the physical address when the access stays inside one page and
     * the TLB caches its page with the rights it needs ({@link #readNeed} or {@link #writeNeed}) and
     * no invalidation is waiting; -1 sends the access to the slow path.
     */
    private long hit(long va, int size, int need) {
        int off = (int) va & PAGE_MASK;
        if ((va >>> 32) != 0 || off > PAGE_SIZE - size || shootdowns.pending) {
            return -1;
        }
        int linear = (int) va;
        int i = (linear >>> 12) & tlbMask;
        int w = tlbWord[i];
        if (((w ^ linear) & Tlb.PAGE) != 0 || (w & need) != need) {
            return -1;
        }
        return (tlbFrame[i] & 0xFFFFFFFFL) | off;
    }

    @Override
    public int read8(long va) {
        if (cr0 >= 0) { // CR0.PG clear: linear addresses are physical
            return bus.read8(va);
        }
        long pa = hit(va, 1, readNeed);
        return bus.read8(pa >= 0 ? pa : translate(va, AccessKind.READ));
    }

    @Override
    public int read16(long va) {
        if (cr0 >= 0) {
            return bus.read16(va);
        }
        long pa = hit(va, 2, readNeed);
        return pa >= 0 ? bus.read16(pa) : (int) readSlow(va, 2);
    }

    @Override
    public int read32(long va) {
        if (cr0 >= 0) {
            return bus.read32(va);
        }
        long pa = hit(va, 4, readNeed);
        return pa >= 0 ? bus.read32(pa) : (int) readSlow(va, 4);
    }

    @Override
    public long read64(long va) {
        if (cr0 >= 0) {
            return bus.read64(va);
        }
        long pa = hit(va, 8, readNeed);
        return pa >= 0 ? bus.read64(pa) : readSlow(va, 8);
    }

    @Override
    public void write8(long va, int value) {
        if (cr0 >= 0) {
            bus.write8(va, value);
            return;
        }
        long pa = hit(va, 1, writeNeed);
        bus.write8(pa >= 0 ? pa : translate(va, AccessKind.WRITE), value);
    }

    @Override
    public void write16(long va, int value) {
        if (cr0 >= 0) {
            bus.write16(va, value);
            return;
        }
        long pa = hit(va, 2, writeNeed);
        if (pa >= 0) {
            bus.write16(pa, value);
        } else {
            writeSlow(va, 2, value);
        }
    }

    @Override
    public void write32(long va, int value) {
        if (cr0 >= 0) {
            bus.write32(va, value);
            return;
        }
        long pa = hit(va, 4, writeNeed);
        if (pa >= 0) {
            bus.write32(pa, value);
        } else {
            writeSlow(va, 4, value);
        }
    }

    @Override
    public void write64(long va, long value) {
        if (cr0 >= 0) {
            bus.write64(va, value);
            return;
        }
        long pa = hit(va, 8, writeNeed);
        if (pa >= 0) {
            bus.write64(pa, value);
        } else {
            writeSlow(va, 8, value);
        }
    }

    /** A load that misses the TLB or crosses a page: both pages translate before any byte moves. */
    private long readSlow(long va, int size) {
        checkLinear(va, size);
        long first = translate(va, AccessKind.READ);
        int inFirst = PAGE_SIZE - ((int) va & PAGE_MASK);
        if (inFirst >= size) {
            return switch (size) {
                case 2 -> bus.read16(first);
                case 4 -> bus.read32(first) & 0xFFFFFFFFL;
                default -> bus.read64(first);
            };
        }
        long second = translate(va + inFirst, AccessKind.READ);
        long value = 0;
        for (int k = 0; k < size; k++) {
            long pa = k < inFirst ? first + k : second + (k - inFirst);
            value |= (long) bus.read8(pa) << (8 * k);
        }
        return value;
    }

    /** A store that misses the TLB or crosses a page: both pages translate before any byte is written. */
    private void writeSlow(long va, int size, long value) {
        checkLinear(va, size);
        long first = translate(va, AccessKind.WRITE);
        int inFirst = PAGE_SIZE - ((int) va & PAGE_MASK);
        if (inFirst >= size) {
            switch (size) {
                case 2 -> bus.write16(first, (int) value);
                case 4 -> bus.write32(first, (int) value);
                default -> bus.write64(first, value);
            }
            return;
        }
        long second = translate(va + inFirst, AccessKind.WRITE);
        for (int k = 0; k < size; k++) {
            long pa = k < inFirst ? first + k : second + (k - inFirst);
            bus.write8(pa, (int) (value >>> (8 * k)));
        }
    }

    @Override
    public void read(long va, byte[] destination, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, destination.length);
        if (length == 0) {
            return;
        }
        checkLinear(va, length);
        while (length > 0) {
            int chunk = Math.min(length, PAGE_SIZE - ((int) va & PAGE_MASK));
            bus.read(translate(va, AccessKind.READ), destination, offset, chunk);
            va += chunk;
            offset += chunk;
            length -= chunk;
        }
    }

    /** Every page of the range translates for writing before the first byte is stored. */
    @Override
    public void write(long va, byte[] source, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, source.length);
        if (length == 0) {
            return;
        }
        checkLinear(va, length);
        int pages = (int) (((va + length - 1) >>> 12) - (va >>> 12)) + 1;
        long[] physical = new long[pages];
        long at = va;
        for (int p = 0; p < pages; p++) {
            physical[p] = translate(at, AccessKind.WRITE);
            at = (at & ~(long) PAGE_MASK) + PAGE_SIZE;
        }
        for (int p = 0; p < pages; p++) {
            int chunk = Math.min(length, PAGE_SIZE - ((int) va & PAGE_MASK));
            bus.write(physical[p], source, offset, chunk);
            va += chunk;
            offset += chunk;
            length -= chunk;
        }
    }

    private static void checkLinear(long va, int size) {
        if (va < 0 || va > (1L << 32) - size) {
            throw new IllegalArgumentException(String.format(
                    "linear address 0x%x (+%d bytes) is outside the 32-bit address space", va, size));
        }
    }

    @Override
    public String toString() {
        return String.format("cpu %s: CR0=%08x CR3=%08x CR4=%08x CPL=%d", name, cr0, cr3, cr4, cpl);
    }
}
