package org.clkernel.heap;

import static org.clkernel.api.paging.KernelLayout.HEAP_WINDOW;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

import org.clkernel.api.CheckResult;
import org.clkernel.api.actor.Actor;
import org.clkernel.api.actor.ActorRegistry;
import org.clkernel.api.heap.HeapView;
import org.clkernel.api.heap.KernelHeap;
import org.clkernel.api.heap.PlacementStrategy;
import org.clkernel.api.machine.AnchorTable;
import org.clkernel.api.machine.Machine;
import org.clkernel.api.paging.VirtualMemory;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.slab.SlabAllocator;
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

/**
 * The kernel heap service: the {@link Heap} in the kernel heap window of emulated RAM, placed by
 * the best-ranked or chosen {@link PlacementStrategy} service ({@link Strategies}), else the
 * built-in {@link FirstFit}. All state is in RAM, found again through the anchor
 * {@value HeapControl#ANCHOR}: a new instance re-attaches and keeps every live block; a strategy's
 * index is only a cache of it.
 *
 * <p>Every call that changes the heap passes the {@link SwapGate}, then holds this object's monitor:
 * calls are serialised, and a strategy swap waits for the call in flight and holds off the next ones.
 *
 * <p>Configuration (PID {@value #PID}, all optional, changed live): {@code strategy} (the name to
 * use; empty for the best-ranked), {@code check.canary}, {@code poison}, {@code quarantine.bytes},
 * {@code zero.on.free}. A bad value is reported in one line and the old one kept.
 */
@Component(service = KernelHeap.class, immediate = true, configurationPid = KernelHeapService.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class KernelHeapService implements KernelHeap {
    public static final String PID = "org.clkernel.heap";

    private final Heap heap;
    private final SmallObjects small;
    /** The clock thread this instance started, or null when it was given a clock. */
    private final Ticker ticker;
    private final boolean attached;
    private final SwapGate gate = new SwapGate(this);
    private final Strategies strategies;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ActorRegistry actors;

    /** A heap outside a framework, with the default configuration, that reads the wall clock itself. */
    public KernelHeapService(Machine machine, FrameAllocator frames, VirtualMemory vm) {
        this(machine, frames, vm, Map.of(), null);
    }

    /** The heap as Declarative Services activates it: its time stamps come from a {@link Ticker}. */
    @Activate
    public KernelHeapService(@Reference(name = "machine") Machine machine,
            @Reference(name = "frames") FrameAllocator frames, @Reference(name = "vm") VirtualMemory vm,
            Map<String, Object> configuration) {
        this(machine, frames, vm, configuration, new Ticker());
    }

    /** @param ticker the clock for time stamps, closed with this instance; null: read the wall clock */
    KernelHeapService(Machine machine, FrameAllocator frames, VirtualMemory vm, Map<String, Object> configuration,
            Ticker ticker) {
        this.ticker = ticker;
        this.small = new SmallObjects(machine.physical());
        try {
            this.heap = open(machine, frames, vm, ticker == null ? System::currentTimeMillis : ticker);
        } catch (RuntimeException e) {
            close(ticker);
            throw e;
        }
        this.attached = heap.attachedOnOpen();
        this.strategies = new Strategies(heap.blocks(), gate, this);
        configure(configuration);
    }

    /** The heap behind the anchor, or a new one. */
    private static Heap open(Machine machine, FrameAllocator frames, VirtualMemory vm, LongSupplier clock) {
        KernelMemory memory = new KernelMemory(machine.physical(), vm, frames);
        AnchorTable anchors = machine.anchors();
        OptionalLong anchor = anchors.get(HeapControl.ANCHOR);
        if (anchor.isPresent()) {
            if (vm.physical(FrameAllocator.KERNEL, HEAP_WINDOW).orElse(-1) != anchor.getAsLong()) {
                throw new IllegalStateException(String.format(
                        "the heap anchor points to 0x%x, where the heap window is not mapped", anchor.getAsLong()));
            }
            return Heap.attach(memory, clock);
        }
        Heap fresh = Heap.format(memory, clock);
        if (fresh == null) {
            throw new IllegalStateException("no frames for the first pages of the kernel heap");
        }
        anchors.put(HeapControl.ANCHOR, memory.physical(HEAP_WINDOW));
        return fresh;
    }

    private static void close(Ticker ticker) {
        if (ticker != null) {
            ticker.close();
        }
    }

    /** Strategies are prototype-scope services where they offer it: each heap gets its own index. */
    @Reference(name = "strategy", service = PlacementStrategy.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, scope = ReferenceScope.PROTOTYPE)
    public void addStrategy(ComponentServiceObjects<PlacementStrategy> objects, Map<String, Object> properties) {
        Object name = properties.get(PlacementStrategy.NAME);
        Object ranking = properties.get(Constants.SERVICE_RANKING);
        if (name instanceof String n && !n.isBlank()) {
            strategies.add(objects, n.trim(), ranking instanceof Integer r ? r : 0);
        }
    }

    public void removeStrategy(ComponentServiceObjects<PlacementStrategy> objects) {
        strategies.remove(objects);
    }

    /** A slab allocator arrived: the kernel's small kmallocs come from its size classes. */
    @Reference(name = "slab", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void setSlab(SlabAllocator slab) {
        small.use(slab);
    }

    public void unsetSlab(SlabAllocator slab) {
        small.leave(slab);
    }

    /** Sets the actor table the quotas come from (as DS does), or null for none. */
    public void setActors(ActorRegistry registry) {
        this.actors = registry;
    }

    /** Applies a configuration of PID {@value #PID}, as Config Admin does on every change. */
    @Modified
    public void configure(Map<String, Object> configuration) {
        HeapConfiguration parsed = HeapConfiguration.parse(configuration, checks());
        parsed.problems().forEach(p -> System.err.println("heap: configuration: " + p));
        synchronized (this) {
            heap.setChecks(parsed.checks());
        }
        strategies.target(parsed.strategy());
    }

    @Deactivate
    public void deactivate() {
        strategies.close();
        close(ticker);
    }

    /** The heap's free blocks, as a strategy sees them. */
    HeapView freeBlocks() {
        return heap.blocks();
    }

    /** The strategy object serving now. */
    PlacementStrategy servingStrategy() {
        return heap.blocks().strategy();
    }

    /** Whether this instance found its state in RAM rather than initialising it. */
    boolean attached() {
        return attached;
    }

    @Override
    public long kmalloc(long size, int owner) {
        return kmalloc(size, owner, 0);
    }

    /**
     * The kernel's small kmallocs without a site come from the slab allocator's size classes while
     * one runs ({@link SmallObjects}); everything else, and everything when none runs, from the heap.
     */
    @Override
    public long kmalloc(long size, int owner, int site) {
        if (owner == FrameAllocator.KERNEL && site == 0) {
            long object = small.alloc(size);
            if (object != 0) {
                return object;
            }
        }
        gate.enter();
        synchronized (this) {
            return heap.allocate(size, owner, site);
        }
    }

    @Override
    public long kmallocAligned(long size, long alignment, int owner) {
        gate.enter();
        synchronized (this) {
            return heap.allocateAligned(size, alignment, owner, 0);
        }
    }

    @Override
    public long kcalloc(long n, long size, int owner) {
        if (owner == FrameAllocator.KERNEL && n >= 1 && size >= 1 && size <= 0xFFFFFFFFL / n) {
            long object = small.alloc(n * size);
            if (object != 0) {
                small.zero(object, n * size);
                return object;
            }
        }
        gate.enter();
        synchronized (this) {
            return heap.callocate(n, size, owner);
        }
    }

    @Override
    public long krealloc(long address, long size, int owner) {
        if (SmallObjects.isSlabAddress(address)) {
            return reallocateObject(address, size, owner);
        }
        gate.enter();
        synchronized (this) {
            return heap.reallocate(address, size, owner);
        }
    }

    /**
     * Resizes a slab object: in place when it still fits its size class, else by a new block (from
     * a slab cache or the heap), a copy and a free.
     */
    private long reallocateObject(long address, long size, int owner) {
        Heap.checkOwner(owner);
        if (size < 1) {
            throw new IllegalArgumentException("krealloc: size " + size + " is below 1");
        }
        long have = small.usable("krealloc", address);
        if (size <= have && owner == FrameAllocator.KERNEL) {
            return address;
        }
        long moved = kmalloc(size, owner);
        if (moved == 0) {
            return 0;
        }
        byte[] bytes = new byte[(int) Math.min(have, size)];
        small.read(address, bytes, bytes.length);
        if (SmallObjects.isSlabAddress(moved)) {
            small.write(moved, bytes, bytes.length);
        } else {
            synchronized (this) {
                heap.memory().write(moved, bytes, 0, bytes.length);
            }
        }
        small.free("krealloc", address);
        return moved;
    }

    @Override
    public void kfree(long address) {
        if (SmallObjects.isSlabAddress(address)) {
            small.free("kfree", address);
            return;
        }
        gate.enter();
        synchronized (this) {
            heap.free("kfree", address, -1);
        }
    }

    @Override
    public long actorMalloc(long size, int actor) {
        Heap.checkOwner(actor);
        ActorRegistry registry = actors;
        if (registry == null) {
            throw new IllegalStateException("actorMalloc: no actor table is available to read quotas from");
        }
        Actor a = registry.get(actor).orElseThrow(() -> new IllegalArgumentException("actorMalloc: no actor has id " + actor));
        gate.enter();
        synchronized (this) {
            if (a.heapQuota() > 0 && size > 0 && heap.actorCurrent(actor) + size > a.heapQuota()) {
                return 0;
            }
            return heap.allocate(size, actor, 0);
        }
    }

    @Override
    public void actorFree(long address, int actor) {
        Heap.checkOwner(actor);
        if (SmallObjects.isSlabAddress(address)) {
            if (actor != FrameAllocator.KERNEL) {
                throw new IllegalArgumentException(String.format(
                        "actorFree(0x%x): a slab object belongs to the kernel, not %d", address, actor));
            }
            small.free("actorFree", address);
            return;
        }
        gate.enter();
        synchronized (this) {
            heap.free("actorFree", address, actor);
        }
    }

    @Override
    public synchronized int site(String name) {
        return heap.site(name);
    }

    @Override
    public synchronized String siteName(int site) {
        return heap.siteName(site);
    }

    @Override
    public long usableSize(long address) {
        if (SmallObjects.isSlabAddress(address)) {
            return small.usable("usableSize", address);
        }
        synchronized (this) {
            return heap.usable(address);
        }
    }

    @Override
    public synchronized HeapStats stats() {
        return heap.stats();
    }

    @Override
    public synchronized ActorHeapStats actorStats(int actor) {
        return heap.actorStats(actor);
    }

    @Override
    public synchronized List<ActorHeapStats> actorStats() {
        return heap.actorStats();
    }

    @Override
    public synchronized void forEachBlock(BlockVisitor visitor) {
        heap.forEachBlock(visitor);
    }

    @Override
    public HeapChecks checks() {
        return heap.checks();
    }

    @Override
    public List<String> findings() {
        return heap.findings();
    }

    @Override
    public synchronized CheckResult check() {
        return heap.check();
    }

    @Override
    public String strategy() {
        return strategies.name();
    }

    @Override
    public void useStrategy(String name) {
        strategies.use(name);
    }

    @Override
    public StrategySwap lastSwap() {
        return strategies.lastSwap();
    }

    @Override
    public List<String> strategies() {
        return strategies.available();
    }
}
