package org.clkernel.heap;

import static org.clkernel.api.paging.KernelLayout.HEAP_WINDOW;
import static org.clkernel.api.paging.KernelLayout.HEAP_WINDOW_END;
import static org.clkernel.heap.BlockTags.HEADER;

import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

import org.clkernel.api.CheckResult;
import org.clkernel.api.heap.KernelHeap;
import org.clkernel.api.heap.PlacementStrategy;
import org.clkernel.api.machine.AnchorTable;
import org.clkernel.api.machine.Machine;
import org.clkernel.api.paging.VirtualMemory;
import org.clkernel.api.physical.FrameAllocator;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.framework.Constants;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.annotations.ReferenceScope;

/**
 * The kernel heap: boundary-tagged blocks ({@link BlockTags}) in the kernel heap window, placed by
 * the best-ranked or chosen {@link PlacementStrategy} service ({@link Strategies}), else the built-in
 * {@link FirstFit}. All state is in RAM, found again through the anchor {@value HeapControl#ANCHOR}:
 * a new instance re-attaches and keeps every live block; a strategy's index is only a cache of it.
 *
 * <p>Every call passes the {@link SwapGate}, then holds this object's monitor: calls are serialised,
 * and a strategy swap waits for the call in flight and holds off the next ones.
 */
@Component(service = KernelHeap.class, immediate = true)
public final class KernelHeapService implements KernelHeap {
    private final HeapMemory m;
    private final BlockTags tags;
    private final HeapControl control;
    private final HeapBlocks blocks;
    private final HeapCheck check;
    private final boolean attached;
    private final SwapGate gate = new SwapGate();
    private final Strategies strategies;

    @Activate
    public KernelHeapService(@Reference(name = "machine") Machine machine,
            @Reference(name = "frames") FrameAllocator frames, @Reference(name = "vm") VirtualMemory vm) {
        this.m = new HeapMemory(machine.physical(), vm);
        this.tags = new BlockTags(m);
        this.control = new HeapControl(m);
        HeapGrowth growth = new HeapGrowth(frames, vm, m);
        this.blocks = new HeapBlocks(tags, control, growth);
        this.check = new HeapCheck(tags, control);
        AnchorTable anchors = machine.anchors();
        OptionalLong anchor = anchors.get(HeapControl.ANCHOR);
        if (anchor.isPresent()) {
            if (vm.physical(FrameAllocator.KERNEL, HEAP_WINDOW).orElse(-1) != anchor.getAsLong() || !control.valid()) {
                throw new IllegalStateException(String.format(
                        "the heap anchor points to 0x%x, where no heap of layout version %d is mapped",
                        anchor.getAsLong(), HeapControl.VERSION));
            }
            this.attached = true;
        } else {
            if (!growth.map(HEAP_WINDOW, 1)) {
                throw new IllegalStateException("no frame for the first page of the kernel heap");
            }
            format();
            anchors.put(HeapControl.ANCHOR, m.physical(HEAP_WINDOW));
            this.attached = false;
        }
        blocks.useBuiltin();
        this.strategies = new Strategies(blocks, gate, this);
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

    /** One page: the control block, one free block, the epilogue. */
    private void format() {
        long top = HEAP_WINDOW + HeapMemory.PAGE;
        control.format(top);
        tags.writeFree(HeapControl.FIRST_BLOCK, top - HEADER - HeapControl.FIRST_BLOCK, true);
        tags.writeEpilogue(top - HEADER, false);
    }

    @Deactivate
    void deactivate() {
        strategies.close();
    }

    /** Whether this instance found its state in RAM rather than initialising it. */
    boolean attached() {
        return attached;
    }

    @Override
    public long kmalloc(long size, int owner) {
        return gated(() -> allocate(size, owner));
    }

    private synchronized long allocate(long size, int owner) {
        checkOwner(owner);
        if (size < 1) {
            throw new IllegalArgumentException("kmalloc: size " + size + " is below 1");
        }
        long need = BlockTags.blockSize(size, HEAP_WINDOW_END - HEAP_WINDOW);
        long b = need < 0 ? 0 : blocks.take(need, owner, size);
        if (b == 0) {
            return 0;
        }
        control.allocated(size);
        return b + HEADER;
    }

    @Override
    public long kcalloc(long n, long size, int owner) {
        return gated(() -> callocate(n, size, owner));
    }

    private synchronized long callocate(long n, long size, int owner) {
        if (n < 1 || size < 1) {
            throw new IllegalArgumentException(String.format("kcalloc(%d, %d): both must be 1 or more", n, size));
        }
        if (size > 0xFFFFFFFFL / n) {
            throw new IllegalArgumentException(String.format("kcalloc(%d, %d): the size overflows 32 bits", n, size));
        }
        long address = allocate(n * size, owner);
        if (address != 0) {
            m.zero(address, n * size);
        }
        return address;
    }

    @Override
    public long krealloc(long address, long size, int owner) {
        return gated(() -> reallocate(address, size, owner));
    }

    private synchronized long reallocate(long address, long size, int owner) {
        if (address == 0) {
            return allocate(size, owner);
        }
        checkOwner(owner);
        long b = block("krealloc", address);
        if (size < 1) {
            throw new IllegalArgumentException("krealloc: size " + size + " is below 1");
        }
        long need = BlockTags.blockSize(size, HEAP_WINDOW_END - HEAP_WINDOW);
        long old = tags.requested(b);
        if (need < 0) {
            return 0;
        }
        if (blocks.resize(b, need, size)) {
            control.resized(old, size);
            return address;
        }
        long moved = allocate(size, owner);
        if (moved != 0) {
            m.copy(address, moved, Math.min(old, size));
            free(b);
        }
        return moved;
    }

    @Override
    public void kfree(long address) {
        gated(() -> {
            synchronized (this) {
                free(block("kfree", address));
            }
            return 0;
        });
    }

    private void free(long b) {
        long bytes = tags.requested(b);
        blocks.release(b);
        control.freed(bytes);
    }

    @Override
    public synchronized long usableSize(long address) {
        return tags.size(block("usableSize", address)) - HEADER;
    }

    @Override
    public synchronized HeapStats stats() {
        return control.stats();
    }

    @Override
    public synchronized CheckResult check() {
        return check.run();
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

    private long gated(LongSupplier call) {
        gate.enter();
        try {
            return call.getAsLong();
        } finally {
            gate.exit();
        }
    }

    /**
     * The block whose payload starts at {@code address}, after checking that it is one: a header
     * with the canary of its position, a sane size, the allocated bit, and the next block agreeing.
     */
    private long block(String call, long address) {
        long epilogue = control.epilogue();
        if (address % BlockTags.ALIGN != 0 || address < HeapControl.FIRST_BLOCK + HEADER || address >= epilogue) {
            throw new IllegalArgumentException(String.format("%s(0x%x): not an address in the heap", call, address));
        }
        long b = address - HEADER;
        if (!tags.canaryOk(b)) {
            throw new IllegalArgumentException(String.format(
                    "%s(0x%x): header canary is 0x%08x, expected 0x%08x: not a block, or its header was overwritten",
                    call, address, tags.storedCanary(b), BlockTags.canary(b)));
        }
        long size = tags.size(b);
        if (size < BlockTags.MIN_BLOCK || b + size > epilogue || !tags.sizeWordOk(b)) {
            throw new IllegalArgumentException(String.format("%s(0x%x): header has a bad size %d", call, address, size));
        }
        if (!tags.allocated(b)) {
            throw new IllegalArgumentException(String.format("%s(0x%x): the block is free (a double free?)", call, address));
        }
        if (!tags.prevAllocated(b + size)) {
            throw new IllegalArgumentException(String.format(
                    "%s(0x%x): the next block does not record this one as allocated", call, address));
        }
        if (!tags.prevAllocated(b)) {
            // a stale header left inside a merged block can pass the checks above; its footer does not
            long before = tags.sizeBefore(b);
            long start = b - before;
            if (before < BlockTags.MIN_BLOCK || before % BlockTags.ALIGN != 0 || start < HeapControl.FIRST_BLOCK
                    || !tags.canaryOk(start) || tags.allocated(start) || tags.size(start) != before) {
                throw new IllegalArgumentException(String.format(
                        "%s(0x%x): the free block before it is not where its footer says: not a live block", call, address));
            }
        }
        return b;
    }

    private static void checkOwner(int owner) {
        if (owner < 0 || owner >= FrameAllocator.MAX_OWNER) {
            throw new IllegalArgumentException("owner " + owner + " is not an actor id 0 to " + (FrameAllocator.MAX_OWNER - 1));
        }
    }
}
