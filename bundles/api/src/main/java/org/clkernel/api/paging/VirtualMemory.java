package org.clkernel.api.paging;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.clkernel.api.CheckResult;
import org.clkernel.api.machine.CpuContext;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Address spaces and the page tables behind them, after the CLKernel paging API (map page, unmap
 * page, physical address of a virtual one, map I/O, create and destroy address spaces, reserve
 * regions with protection), on the {@link KernelLayout} layout.
 *
 * <p>Each actor has one page directory. The kernel half is the same in every directory, so a
 * kernel mapping made at any time is seen from every space; the user half is private. Actor 0,
 * the kernel, always has a space, holding the kernel half only. Page tables are frames of the
 * actor whose half they serve (user tables count against the actor's frame quota), zeroed.
 *
 * <p>Whoever changes or removes a mapping invalidates it in every CPU context that may have cached
 * it (the contexts running that space, every context for the kernel half) before the call returns,
 * so no access begun afterwards sees the old translation.
 *
 * <p>Addresses are unsigned 32-bit values in a {@code long}. Bad arguments are refused with
 * {@link IllegalArgumentException}, running out of frames for the paging structures with
 * {@link IllegalStateException}, both with one sentence and no change.
 */
@ProviderType
public interface VirtualMemory {

    /** Configuration PID of the paging system (property {@code policy}: the replacement policy to use). */
    String PID = "org.clkernel.paging";

    /** Name of the built-in FIFO policy that serves when no installed policy can. */
    String BUILTIN_POLICY = "builtin-fifo";

    /**
     * Creates an actor's address space: a directory with the kernel half and an empty user half.
     *
     * @throws IllegalArgumentException for an actor id outside 0..4095 or one that has a space
     * @throws IllegalStateException    when no frame is left for the directory (out of memory or
     *                                  over the actor's quota) or the space table is full
     */
    AddressSpace createSpace(int actor);

    /**
     * Destroys an actor's space: frees the frames the space itself filled on demand, its swap
     * slots, the user page tables, the region list and the directory. Frames mapped with
     * {@link #map} stay with whoever owns them.
     *
     * @return the frames freed
     * @throws IllegalArgumentException for the kernel or an actor without a space
     * @throws IllegalStateException    while a CPU context has the directory in CR3
     */
    long destroySpace(int actor);

    Optional<AddressSpace> space(int actor);

    /** Every space, the kernel's first. */
    List<AddressSpace> spaces();

    /**
     * Runs an actor's space on a context, as a kernel switches address spaces: loads CR3 with the
     * directory, sets CR4.PSE and PGE and CR0.PE, WP and PG, and installs the #PF handler that
     * fills demand-zero pages. The CPL is left alone. Call it on the thread that runs the context.
     *
     * @throws IllegalArgumentException for an actor without a space
     */
    void activate(CpuContext context, int actor);

    /**
     * Maps one 4 KiB page. An actor other than the kernel maps in the user half, with
     * {@link Prot#USER}; the kernel maps in the kernel heap window, without it (the direct map is
     * fixed and the MMIO window is {@link #mapIo}'s).
     *
     * @param va   page aligned
     * @param pa   page aligned physical address, RAM or not
     * @param prot {@link Prot} bits
     * @throws IllegalArgumentException for a bad address or protection, an actor without a space,
     *                                  or a page that is mapped already
     * @throws IllegalStateException    when no frame is left for a page table
     */
    void map(int actor, long va, long pa, int prot);

    /**
     * Unmaps one page and shoots its translation down. A page the space filled on demand goes back
     * to the frame allocator and its swap slot, if any, is freed (its region stays: the next touch
     * gets a fresh zero page); so is the slot of a page that is swapped out.
     *
     * @return the physical address that was mapped, or -1 if none was (a swapped-out page included)
     */
    long unmap(int actor, long va);

    /**
     * Changes the protection of every mapped page in a range, and of the parts of regions in it
     * (pages filled on demand later get the new protection).
     *
     * @param va     page aligned
     * @param length a multiple of the page size
     * @return the mapped pages changed
     */
    int protect(int actor, long va, long length, int prot);

    /** The physical address a virtual one maps to in an actor's space, by a software walk. */
    OptionalLong physical(int actor, long va);

    /**
     * Maps device memory into the kernel's MMIO window, uncached (PCD and PWT), supervisor,
     * writable. Every call gets a range of its own followed by an unmapped guard page.
     *
     * @param pa     any physical address
     * @param length bytes, at least 1
     * @return the kernel virtual address of {@code pa}
     * @throws IllegalStateException when the window is used up, or no frame is left for a table
     */
    long mapIo(long pa, long length);

    /**
     * Reserves a demand-zero region: the first touch of a page in it faults, and the fault handler
     * maps a zeroed frame owned by the actor (a minor fault). Pages of user regions are pageable:
     * when the space is at its {@linkplain #residentLimit resident limit}, or the allocator refuses
     * a frame (out of memory, over quota), the replacement policy picks a resident page of the same
     * space, which goes to the swap device, and its frame serves the fault; touching a swapped page
     * reads it back (a major fault). Only when no page can be evicted (no swap slot, nothing
     * resident) does the fault stay unresolved and the access end in a
     * {@link org.clkernel.api.machine.PageFaultException}. Kernel pages are never swapped. Pages
     * mapped in the range already stay. The same rules as {@link #map} apply to where and with what
     * protection.
     *
     * @throws IllegalArgumentException for a bad range or protection, or one that overlaps a region
     * @throws IllegalStateException    when the space's region list is full or no frame is left for it
     */
    void reserve(int actor, long va, long length, int prot);

    /** An actor's regions, in address order. */
    List<Region> regions(int actor);

    /** Pages of a user space filled on demand that are resident now (its pageable resident set). */
    long residentPages(int actor);

    /**
     * The most pages of a space's regions that may be resident at once: the limit set by
     * {@link #setResidentLimit}, else the actor's frame quota, else 0 for unlimited (such a space
     * evicts only when the frame allocator refuses it a frame).
     */
    long residentLimit(int actor);

    /**
     * Sets a user space's resident limit; 0 goes back to the default (the frame quota). A limit
     * below the current resident set takes effect at the next fault, which evicts down to it.
     *
     * @throws IllegalArgumentException for the kernel, an actor without a space, or a negative or
     *                                  too large limit
     */
    void setResidentLimit(int actor, long pages);

    /** How much of the swap device holds pages. */
    SwapUsage swapUsage();

    /**
     * Chooses the page-replacement policy by name (as {@code policy.name} gives it, or
     * {@link #BUILTIN_POLICY}); {@code null} or empty goes back to the configured one, else the
     * best-ranked one installed. Every space's resident set moves to the new policy without losing
     * or double-counting a page, except the spaces that have a policy of their own
     * ({@link #usePolicy(int, String)}).
     *
     * @throws IllegalArgumentException when no policy of that name is installed
     */
    void usePolicy(String name);

    /** The name of the policy in use now ({@link #BUILTIN_POLICY} when none installed serves). */
    String policy();

    /**
     * Chooses the page-replacement policy of one user space, leaving every other space on the one
     * {@link #usePolicy(String)} chooses; {@code null} or empty goes back to that one. The space's
     * resident set moves to the new policy as with {@link #usePolicy(String)}. When the policy leaves
     * or fails, the space falls back to the policy of the others. The choice is Java state: it ends
     * with the space, and is not kept when the paging system restarts.
     *
     * @throws IllegalArgumentException for the kernel, an actor without a space, or when no policy of
     *                                  that name is installed
     * @since 1.3
     */
    void usePolicy(int actor, String name);

    /**
     * The name of the policy a user space uses now.
     *
     * @throws IllegalArgumentException for the kernel or an actor without a space
     * @since 1.3
     */
    String policy(int actor);

    /** One space's counters. */
    PagingCounters counters(int actor);

    /** The counters of all spaces added up. */
    PagingCounters counters();

    /**
     * Walks the space table, every page directory and page table and every region list, and names
     * the first broken element: a frame that is not allocated to the right owner, a kernel half that
     * differs from the kernel's, a user table or page reachable from another half, and the like.
     */
    CheckResult check();
}
