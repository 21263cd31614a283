package org.clkernel.heap;

import static org.clkernel.api.paging.KernelLayout.HEAP_WINDOW;
import static org.clkernel.api.paging.KernelLayout.HEAP_WINDOW_END;
import static org.clkernel.heap.BlockTags.HEADER;

import java.util.OptionalLong;

import org.clkernel.api.CheckResult;
import org.clkernel.api.heap.KernelHeap;
import org.clkernel.api.machine.AnchorTable;
import org.clkernel.api.machine.Machine;
import org.clkernel.api.paging.VirtualMemory;
import org.clkernel.api.physical.FrameAllocator;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The kernel heap: boundary-tagged blocks ({@link BlockTags}) in the kernel heap window, placed by
 * the built-in {@link FirstFit} strategy. All state is in RAM, found again through the anchor
 * {@value HeapControl#ANCHOR}: a new instance re-attaches and keeps every live block.
 */
@Component(service = KernelHeap.class, immediate = true)
public final class KernelHeapService implements KernelHeap {
    private final HeapMemory m;
    private final BlockTags tags;
    private final HeapControl control;
    private final HeapBlocks blocks;
    private final HeapCheck check;
    private final boolean attached;

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
        blocks.use(new FirstFit());
    }

    /** One page: the control block, one free block, the epilogue. */
    private void format() {
        long top = HEAP_WINDOW + HeapMemory.PAGE;
        control.format(top);
        tags.writeFree(HeapControl.FIRST_BLOCK, top - HEADER - HeapControl.FIRST_BLOCK, true);
        tags.writeEpilogue(top - HEADER, false);
    }

    @Deactivate
    synchronized void deactivate() {
        blocks.strategy().detach();
    }

    /** Whether this instance found its state in RAM rather than initialising it. */
    boolean attached() {
        return attached;
    }

    @Override
    public synchronized long kmalloc(long size, int owner) {
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
    public synchronized long kcalloc(long n, long size, int owner) {
        if (n < 1 || size < 1) {
            throw new IllegalArgumentException(String.format("kcalloc(%d, %d): both must be 1 or more", n, size));
        }
        if (size > 0xFFFFFFFFL / n) {
            throw new IllegalArgumentException(String.format("kcalloc(%d, %d): the size overflows 32 bits", n, size));
        }
        long address = kmalloc(n * size, owner);
        if (address != 0) {
            m.zero(address, n * size);
        }
        return address;
    }

    @Override
    public synchronized long krealloc(long address, long size, int owner) {
        if (address == 0) {
            return kmalloc(size, owner);
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
        long moved = kmalloc(size, owner);
        if (moved != 0) {
            m.copy(address, moved, Math.min(old, size));
            free(b);
        }
        return moved;
    }

    @Override
    public synchronized void kfree(long address) {
        free(block("kfree", address));
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
        return b;
    }

    private static void checkOwner(int owner) {
        if (owner < 0 || owner >= FrameAllocator.MAX_OWNER) {
            throw new IllegalArgumentException("owner " + owner + " is not an actor id 0 to " + (FrameAllocator.MAX_OWNER - 1));
        }
    }
}
