package org.clkernel.paging.space;

import org.clkernel.api.machine.CpuContext;
import org.clkernel.api.machine.PageFaultHandler;
import org.clkernel.api.paging.AddressSpace;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.x86.Cr0;
import org.clkernel.api.x86.Cr3;
import org.clkernel.api.x86.Cr4;

/** Making, destroying and running address spaces. Callers hold the state's monitor. */
final class Spaces {
    private final PagingState s;
    private final Pager pager;

    Spaces(PagingState state, Pager pager) {
        this.s = state;
        this.pager = pager;
    }

    AddressSpace create(int actor) {
        long directory = s.tables.newFrame(actor);
        if (directory == FrameAllocator.OVER_QUOTA) {
            throw new IllegalStateException("actor " + actor + " is at its frame quota: no frame for a page directory");
        }
        if (directory < 0) {
            throw new IllegalStateException("out of memory: no frame for a page directory");
        }
        s.kernel.copyInto(directory);
        if (s.spaces.add(actor, directory) < 0) {
            s.tables.freeFrame(directory, actor);
            throw new IllegalStateException("the space table is full (" + SpaceTable.CAPACITY + " spaces)");
        }
        return new AddressSpace(actor, directory);
    }

    long destroy(int actor) {
        long directory = s.spaces.directory(actor);
        for (CpuContext c : s.machine.contexts()) {
            if ((c.cr3() & Cr3.PD_BASE & 0xFFFFFFFFL) == directory) {
                throw new IllegalStateException("the space of actor " + actor + " is loaded in CR3 of context '"
                        + c.name() + "'; run another space there first");
            }
        }
        pager.destroying(actor);
        long freed = s.tables.freeUserHalf(directory, actor);
        long regions = s.spaces.regions(actor);
        if (regions != 0) {
            s.tables.freeFrame(regions, actor);
            freed++;
        }
        s.spaces.remove(actor);
        s.tables.freeFrame(directory, actor);
        s.shootdowns.forget(actor);
        return freed + 1;
    }

    /** Loads the space on a context and makes it take its page faults to the handler. */
    void activate(CpuContext context, int actor, PageFaultHandler handler) {
        context.setPageFaultHandler(handler);
        context.setCr4(context.cr4() | Cr4.PSE | Cr4.PGE);
        context.setCr3((int) s.spaces.directory(actor));
        context.setCr0(context.cr0() | Cr0.PE | Cr0.WP | Cr0.PG);
        s.shootdowns.ran(context, actor);
    }

    /**
     * After a restart: the contexts whose CR3 holds one of the directories run that space, and
     * get the new handler (the old one left with the old bundle).
     */
    void adopt(PageFaultHandler handler) {
        for (CpuContext c : s.machine.contexts()) {
            int actor = s.spaces.actorOf(c.cr3() & Cr3.PD_BASE & 0xFFFFFFFFL);
            if (actor >= 0 && (c.cr0() & Cr0.PG) != 0) {
                c.setPageFaultHandler(handler);
                s.shootdowns.ran(c, actor);
            }
        }
    }

    /** The handler leaves with this instance: faults are delivered to the caller until the next one adopts. */
    void release() {
        for (CpuContext c : s.shootdowns.running().keySet()) {
            c.setPageFaultHandler(null);
        }
    }
}
