package org.clkernel.api.machine;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A logical processor: control registers, privilege level and a TLB. Its {@link MemoryAccess}
 * methods take linear addresses and go through the MMU while CR0.PG is set.
 *
 * <p>A context is used by one thread at a time, as a CPU runs one instruction stream; different
 * contexts may run on different threads at once and share physical memory.
 */
@ProviderType
public interface CpuContext extends MemoryAccess {

    String name();

    int cr0();

    /**
     * MOV to CR0. Reserved bits are dropped. Setting PG without PE is a general-protection fault
     * ({@link IllegalArgumentException}) and changes nothing. Clearing PG flushes the whole TLB.
     */
    void setCr0(int value);

    /** The linear address of the last page fault. */
    long cr2();

    void setCr2(long value);

    int cr3();

    /** MOV to CR3: flushes every TLB entry except global pages while CR4.PGE is set. */
    void setCr3(int value);

    int cr4();

    /**
     * MOV to CR4. A bit this machine does not implement is a general-protection fault
     * ({@link IllegalArgumentException}). Changing PGE flushes the whole TLB (SDM §4.10.4.1);
     * changing PSE does too, an extra invalidation the SDM allows, so that no 4 MiB translation
     * outlives the mode that made it.
     */
    void setCr4(int value);

    /** Current privilege level, 0 to 3; 3 is user mode. */
    int cpl();

    void setCpl(int cpl);

    /** INVLPG: drops the TLB entries for the page (4 KiB or 4 MiB) holding this linear address. */
    void invlpg(long linearAddress);

    /** Drops every TLB entry, global ones included. */
    void flushTlb();

    /**
     * A TLB shootdown: asks this context to drop the entries for the page (4 KiB or 4 MiB) holding
     * this linear address before its next translation, as an inter-processor interrupt asks another
     * CPU to run INVLPG. Unlike {@link #invlpg}, which is this context's own instruction, it may be
     * called from any thread while the context runs on another. Every access that starts after this
     * call returns sees the invalidation; an access already under way may still complete through the
     * old entry, as an instruction in flight when the interrupt arrives does. Applied invalidations
     * count as INVLPGs in {@link #counters()}.
     *
     * @since 1.1
     */
    void requestInvlpg(long linearAddress);

    /**
     * A TLB shootdown of everything, global entries included: like {@link #requestInvlpg}, from any
     * thread, applied before the context's next translation; counted as a TLB flush.
     *
     * @since 1.1
     */
    void requestFlush();

    /** The current TLB contents. */
    List<TlbEntry> tlbEntries();

    /** Number of TLB slots. */
    int tlbCapacity();

    /**
     * Translates one access as the processor does: TLB lookup, else a page walk that sets A and D
     * and fills the TLB; a fault loads CR2 and goes to the handler, which may fix and retry.
     *
     * @return the physical address
     * @throws PageFaultException if the access faults and no handler resolves it
     */
    long translate(long linearAddress, AccessKind access);

    /** Walks the paging structures for a linear address without side effects. */
    PageWalk walk(long linearAddress);

    /** Installs the #PF vector of this context; {@code null} delivers every fault to the caller. */
    void setPageFaultHandler(PageFaultHandler handler);

    /** Counters since creation. */
    MmuCounters counters();

    /** Physical memory as this context's bus sees it. */
    PhysicalMemory physical();
}
