package org.clkernel.paging.space;

import static org.clkernel.api.physical.FrameAllocator.KERNEL;
import static org.clkernel.api.x86.Paging.PAGE_SIZE;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.clkernel.api.CheckResult;
import org.clkernel.api.machine.CpuContext;
import org.clkernel.api.machine.Machine;
import org.clkernel.api.paging.AddressSpace;
import org.clkernel.api.paging.KernelLayout;
import org.clkernel.api.paging.PagingCounters;
import org.clkernel.api.paging.Prot;
import org.clkernel.api.paging.Region;
import org.clkernel.api.paging.VirtualMemory;
import org.clkernel.api.physical.FrameAllocator;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@link VirtualMemory} service: checks every request, then makes the change holding the
 * state's monitor. All paging state is in RAM ({@link PagingState}); a restarted or updated bundle
 * attaches to it, keeps every space, mapping, region and counter, and takes back the page faults
 * of the contexts whose CR3 holds one of its directories.
 */
@Component(service = VirtualMemory.class, immediate = true)
public final class VirtualMemoryService implements VirtualMemory {
    private final PagingState s;
    private final Spaces spaces;
    private final Mappings mappings;
    private final DemandFaultHandler handler;

    @Activate
    public VirtualMemoryService(@Reference(name = "machine") Machine machine,
            @Reference(name = "frames") FrameAllocator frames) {
        this.s = PagingState.open(machine, frames);
        this.spaces = new Spaces(s);
        this.mappings = new Mappings(s);
        this.handler = new DemandFaultHandler(s, mappings);
        synchronized (s) {
            spaces.adopt(handler);
        }
    }

    @Deactivate
    void deactivate() {
        synchronized (s) {
            spaces.release();
        }
    }

    /** Whether this instance found its state in RAM rather than making it. */
    boolean attached() {
        return s.attached;
    }

    // ---- spaces --------------------------------------------------------------------------------

    @Override
    public AddressSpace createSpace(int actor) {
        if (actor < 0 || actor >= FrameAllocator.MAX_OWNER) {
            throw new IllegalArgumentException("actor " + actor + " is outside 0.." + (FrameAllocator.MAX_OWNER - 1));
        }
        synchronized (s) {
            if (s.spaces.has(actor)) {
                throw new IllegalArgumentException("actor " + actor + " has an address space already");
            }
            return spaces.create(actor);
        }
    }

    @Override
    public long destroySpace(int actor) {
        if (actor == KERNEL) {
            throw new IllegalArgumentException("the kernel's address space cannot be destroyed");
        }
        synchronized (s) {
            requireSpace(actor);
            return spaces.destroy(actor);
        }
    }

    @Override
    public Optional<AddressSpace> space(int actor) {
        synchronized (s) {
            return s.spaces.has(actor) ? Optional.of(new AddressSpace(actor, s.spaces.directory(actor))) : Optional.empty();
        }
    }

    @Override
    public List<AddressSpace> spaces() {
        synchronized (s) {
            List<AddressSpace> all = new ArrayList<>();
            for (int actor : s.spaces.actors()) {
                all.add(new AddressSpace(actor, s.spaces.directory(actor)));
            }
            return all;
        }
    }

    @Override
    public void activate(CpuContext context, int actor) {
        synchronized (s) {
            requireSpace(actor);
            spaces.activate(context, actor, handler);
        }
    }

    // ---- mappings ------------------------------------------------------------------------------

    @Override
    public void map(int actor, long va, long pa, int prot) {
        checkRange(va, PAGE_SIZE);
        if (pa < 0 || pa >= 1L << 32 || (pa & (PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException(String.format("physical address 0x%x is not a page in 32 bits", pa));
        }
        synchronized (s) {
            checkPlace(actor, va, PAGE_SIZE, KernelLayout.HEAP_WINDOW_END);
            checkProt(actor, prot);
            mappings.map(actor, va, pa, prot);
        }
    }

    @Override
    public long unmap(int actor, long va) {
        checkRange(va, PAGE_SIZE);
        synchronized (s) {
            checkPlace(actor, va, PAGE_SIZE, KernelLayout.IO_WINDOW_END);
            return mappings.unmap(actor, va);
        }
    }

    @Override
    public int protect(int actor, long va, long length, int prot) {
        checkRange(va, length);
        synchronized (s) {
            checkPlace(actor, va, length, KernelLayout.IO_WINDOW_END);
            checkProt(actor, prot);
            return mappings.protect(actor, va, length, prot);
        }
    }

    @Override
    public OptionalLong physical(int actor, long va) {
        if (va < 0 || va >= 1L << 32) {
            throw new IllegalArgumentException(String.format("0x%x is outside the 32-bit address space", va));
        }
        synchronized (s) {
            requireSpace(actor);
            long pa = s.tables.translate(s.spaces.directory(actor), va);
            return pa < 0 ? OptionalLong.empty() : OptionalLong.of(pa);
        }
    }

    @Override
    public long mapIo(long pa, long length) {
        if (pa < 0 || length < 1 || pa + length > 1L << 32) {
            throw new IllegalArgumentException(String.format("0x%x (+%d bytes) is not a range of the 32-bit physical space", pa, length));
        }
        synchronized (s) {
            return mappings.mapIo(pa, length);
        }
    }

    @Override
    public void reserve(int actor, long va, long length, int prot) {
        checkRange(va, length);
        synchronized (s) {
            checkPlace(actor, va, length, KernelLayout.HEAP_WINDOW_END);
            checkProt(actor, prot);
            mappings.reserve(actor, new Region(va, length, prot));
        }
    }

    @Override
    public List<Region> regions(int actor) {
        synchronized (s) {
            requireSpace(actor);
            long list = s.spaces.regions(actor);
            return list == 0 ? List.of() : new RegionList(s.ram, list).all();
        }
    }

    // ---- counters and checks -------------------------------------------------------------------

    @Override
    public PagingCounters counters(int actor) {
        synchronized (s) {
            requireSpace(actor);
            return s.spaces.counters(actor);
        }
    }

    @Override
    public PagingCounters counters() {
        synchronized (s) {
            PagingCounters total = PagingCounters.ZERO;
            for (int actor : s.spaces.actors()) {
                total = total.plus(s.spaces.counters(actor));
            }
            return total;
        }
    }

    @Override
    public CheckResult check() {
        synchronized (s) {
            return new PagingCheck(s).run();
        }
    }

    // ---- argument checks -----------------------------------------------------------------------

    private void requireSpace(int actor) {
        if (!s.spaces.has(actor)) {
            throw new IllegalArgumentException("actor " + actor + " has no address space");
        }
    }

    private static void checkRange(long va, long length) {
        if (va < 0 || length < PAGE_SIZE || va + length > 1L << 32 || ((va | length) & (PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException(String.format(
                    "0x%x (+0x%x bytes) is not a page-aligned range of whole pages in 32 bits", va, length));
        }
    }

    /** Where an actor may work: a user actor in the user half, the kernel in its windows below {@code kernelEnd}. */
    private void checkPlace(int actor, long va, long length, long kernelEnd) {
        requireSpace(actor);
        if (actor != KERNEL && va + length > KernelLayout.KERNEL_BASE) {
            throw new IllegalArgumentException(String.format(
                    "0x%08x (+0x%x) reaches into the kernel half; actor %d works below 0xc0000000", va, length, actor));
        }
        if (actor == KERNEL && (va < KernelLayout.HEAP_WINDOW || va + length > kernelEnd)) {
            throw new IllegalArgumentException(String.format("0x%08x (+0x%x) is outside the kernel's window 0x%08x-0x%08x",
                    va, length, KernelLayout.HEAP_WINDOW, kernelEnd - 1));
        }
    }

    /** User pages have {@link Prot#USER}, kernel pages never. */
    private static void checkProt(int actor, int prot) {
        if ((prot & ~Prot.ALL) != 0) {
            throw new IllegalArgumentException(String.format("protection 0x%x has bits other than WRITE and USER", prot));
        }
        if (actor != KERNEL && (prot & Prot.USER) == 0) {
            throw new IllegalArgumentException("user pages of actor " + actor + " need Prot.USER");
        }
        if (actor == KERNEL && (prot & Prot.USER) != 0) {
            throw new IllegalArgumentException("kernel pages cannot have Prot.USER");
        }
    }
}
