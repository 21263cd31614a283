package org.clkernel.paging.space;

import java.util.OptionalLong;

import org.clkernel.api.machine.AnchorTable;
import org.clkernel.api.machine.Machine;
import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.paging.KernelLayout;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.physical.Gfp;

/**
 * The paging system's state: everything is in RAM behind the anchor {@value #ANCHOR}, found again
 * by a restarted bundle; the objects here are views of it. Every change to paging structures is
 * made holding this object's monitor.
 */
final class PagingState {
    static final String ANCHOR = "paging";

    final Machine machine;
    final PhysicalMemory ram;
    final FrameAllocator frames;
    final SpaceTable spaces;
    final PageTables tables;
    final KernelHalf kernel;
    final Shootdowns shootdowns;
    final SwapMap swap;
    /** Whether the state was found in RAM rather than made. */
    final boolean attached;

    private PagingState(Machine machine, FrameAllocator frames, SpaceTable spaces, boolean attached) {
        this.machine = machine;
        this.ram = machine.physical();
        this.frames = frames;
        this.spaces = spaces;
        this.tables = new PageTables(ram, frames);
        this.kernel = new KernelHalf(ram, tables, spaces);
        this.shootdowns = new Shootdowns(machine);
        this.attached = attached;
        this.swap = openSwap(machine, frames, spaces, tables);
    }

    /** The swap slot map in RAM: found again, or made for the machine's swap device. */
    private static SwapMap openSwap(Machine machine, FrameAllocator frames, SpaceTable spaces, PageTables tables) {
        if (spaces.swapMap() != 0) {
            return SwapMap.attach(machine.physical(), machine.swap(), spaces.swapMap(), spaces.swapSlots(), spaces, tables);
        }
        SwapMap made = SwapMap.format(machine.physical(), machine.swap(), frames);
        if (made == null) {
            throw new IllegalStateException("no frames for the swap slot map");
        }
        spaces.setSwapMap(made.base(), made.slots());
        return made;
    }

    /** Attaches to the state in RAM, or makes it: the space table and the kernel's directory. */
    static PagingState open(Machine machine, FrameAllocator frames) {
        AnchorTable anchors = machine.anchors();
        OptionalLong anchor = anchors.get(ANCHOR);
        if (anchor.isPresent()) {
            SpaceTable found = SpaceTable.attach(machine.physical(), anchor.getAsLong());
            if (found != null && found.has(FrameAllocator.KERNEL)) {
                return new PagingState(machine, frames, found, true);
            }
        }
        PagingState made = new PagingState(machine, frames, format(machine, frames), false);
        anchors.put(ANCHOR, made.spaces.base);
        return made;
    }

    private static SpaceTable format(Machine machine, FrameAllocator frames) {
        PhysicalMemory ram = machine.physical();
        long table = frames.allocate(SpaceTable.ORDER, FrameAllocator.KERNEL, Gfp.ZERO);
        long directory = frames.allocate(0, FrameAllocator.KERNEL, Gfp.ZERO);
        if (table < 0 || directory < 0) {
            throw new IllegalStateException("no frames for the space table and the kernel page directory");
        }
        long directMap = KernelHalf.directMapBytes(ram.ramSize());
        KernelHalf.writeDirectMap(ram, directory << 12, directMap);
        SpaceTable spaces = SpaceTable.format(ram, table << 12, directMap, KernelLayout.IO_WINDOW);
        spaces.add(FrameAllocator.KERNEL, directory << 12);
        return spaces;
    }
}
