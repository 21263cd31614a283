package org.clkernel.paging.space;

import static org.clkernel.api.physical.FrameAllocator.KERNEL;
import static org.clkernel.api.x86.Paging.PAGE_SIZE;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.clkernel.api.paging.SwapUsage;
import org.clkernel.api.paging.VirtualMemory;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.physical.FrameQuota;
import org.clkernel.api.replacement.ReplacementPolicy;
import org.osgi.framework.Constants;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.annotations.ReferenceScope;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The {@link VirtualMemory} service: checks every request, then makes the change holding the
 * state's monitor. All paging state is in RAM ({@link PagingState}); a restarted or updated bundle
 * attaches to it, keeps every space, mapping, region, swapped page and counter, and takes back the
 * page faults of the contexts whose CR3 holds one of its directories. The replacement policies'
 * instances are Java state only, re-seeded from the page tables after a restart.
 *
 * <p>Replacement policies are tracked dynamically and greedily (prototype scope: one instance per
 * space); which one serves is {@link Replacement}'s choice. Configuration PID
 * {@value VirtualMemory#PID}, property {@code policy}; a change applies live.
 */
@Component(service = VirtualMemory.class, immediate = true, configurationPid = VirtualMemory.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = PagingConfig.class)
public final class VirtualMemoryService implements VirtualMemory {
    private final PagingState s;
    private final Spaces spaces;
    private final Mappings mappings;
    private final Replacement policies;
    private final DemandFaultHandler handler;
    /** The actors' frame quotas, the default resident limits; none bound: unlimited. */
    private volatile FrameQuota quota;

    @Activate
    public VirtualMemoryService(@Reference(name = "machine") Machine machine,
            @Reference(name = "frames") FrameAllocator frames, PagingConfig config) {
        this.s = PagingState.open(machine, frames);
        this.policies = new Replacement(s, actor -> {
            FrameQuota q = quota;
            return q == null ? 0 : q.frameQuota(actor);
        });
        Pager pager = new Pager(s, policies);
        this.spaces = new Spaces(s, pager);
        this.mappings = new Mappings(s, pager);
        this.handler = new DemandFaultHandler(s, mappings, pager);
        synchronized (s) {
            spaces.adopt(handler);
            if (config != null) {
                policies.configure(config.policy());
            }
        }
    }

    /** The service as tests and tools start it: no configuration, the built-in policy until one is bound. */
    public VirtualMemoryService(Machine machine, FrameAllocator frames) {
        this(machine, frames, null);
    }

    @Modified
    void modified(PagingConfig config) {
        synchronized (s) {
            policies.configure(config.policy());
        }
    }

    @Deactivate
    void deactivate() {
        synchronized (s) {
            spaces.release();
            policies.close();
        }
    }

    @Reference(service = ReplacementPolicy.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            scope = ReferenceScope.PROTOTYPE_REQUIRED)
    public void addPolicy(ComponentServiceObjects<ReplacementPolicy> objects, Map<String, Object> properties) {
        Object name = properties.get(ReplacementPolicy.NAME);
        Object ranking = properties.get(Constants.SERVICE_RANKING);
        if (name instanceof String n && !n.isBlank()) {
            synchronized (s) {
                policies.add(objects, n, ranking instanceof Integer r ? r : 0);
            }
        }
    }

    public void removePolicy(ComponentServiceObjects<ReplacementPolicy> objects) {
        synchronized (s) {
            policies.remove(objects);
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void setQuota(FrameQuota q) {
        this.quota = q;
    }

    public void unsetQuota(FrameQuota gone) {
        if (quota == gone) {
            quota = null;
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

    // ---- paging and replacement ----------------------------------------------------------------

    @Override
    public long residentPages(int actor) {
        synchronized (s) {
            requireSpace(actor);
            return actor == KERNEL ? 0 : policies.resident(actor);
        }
    }

    @Override
    public long residentLimit(int actor) {
        synchronized (s) {
            requireSpace(actor);
            return actor == KERNEL ? 0 : policies.limit(actor);
        }
    }

    @Override
    public void setResidentLimit(int actor, long pages) {
        if (actor == KERNEL) {
            throw new IllegalArgumentException("the kernel's pages are never swapped: it has no resident limit");
        }
        if (pages < 0 || pages > 1L << 20) {
            throw new IllegalArgumentException("a resident limit is 0 (the default) to " + (1L << 20) + " pages, not " + pages);
        }
        synchronized (s) {
            requireSpace(actor);
            s.spaces.setResidentLimit(actor, pages);
        }
    }

    @Override
    public SwapUsage swapUsage() {
        synchronized (s) {
            return new SwapUsage(s.swap.slots(), s.swap.used(), s.swap.cleanCopies());
        }
    }

    @Override
    public void usePolicy(String name) {
        synchronized (s) {
            policies.use(name);
        }
    }

    @Override
    public String policy() {
        synchronized (s) {
            return policies.name();
        }
    }

    @Override
    public void usePolicy(int actor, String name) {
        synchronized (s) {
            requireUserSpace(actor);
            policies.use(actor, name);
        }
    }

    @Override
    public String policy(int actor) {
        synchronized (s) {
            requireUserSpace(actor);
            return policies.name(actor);
        }
    }

    private void requireUserSpace(int actor) {
        if (actor == KERNEL) {
            throw new IllegalArgumentException("the kernel's pages are never swapped: it has no replacement policy");
        }
        requireSpace(actor);
    }

    /** The last policy failure or departure, for tests and people; null if none happened. */
    String lastPolicyProblem() {
        synchronized (s) {
            return policies.lastProblem();
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
            CheckResult tables = new PagingCheck(s).run();
            String policy = tables.isOk() ? policies.check() : null;
            return policy == null ? tables : CheckResult.broken(tables.structure(), tables.elementsChecked(), policy);
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
