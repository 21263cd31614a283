package org.clkernel.paging.space;

import static org.clkernel.paging.space.Entries.present;

import org.clkernel.api.machine.CpuContext;
import org.clkernel.api.machine.PageFault;
import org.clkernel.api.machine.PageFaultHandler;
import org.clkernel.api.paging.KernelLayout;
import org.clkernel.api.paging.Region;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.x86.Cr3;
import org.clkernel.api.x86.Paging;

/**
 * The #PF vector of every context running a space. It resolves two kinds of fault and leaves the
 * rest to the caller:
 * <ul>
 * <li>a page that is mapped now with rights that allow the access: another context mapped it
 *     meanwhile, or rights were added without a shootdown (a spurious fault); retried at once;</li>
 * <li>a page of a region whose protection allows the access, touched first or swapped out: the
 *     {@link Pager} maps a frame of the region's owner, zeroed (a minor fault) or read back from
 *     swap (a major fault), evicting a page of the space if it must, and the access is retried.
 *     With no frame to be had even so, the fault stays unresolved. Kernel regions are filled with
 *     zeroed frames and never swapped.</li>
 * </ul>
 * The space is the one whose directory the context's CR3 holds; an address in the kernel half
 * belongs to the kernel's space, whose regions and frames serve it.
 */
final class DemandFaultHandler implements PageFaultHandler {
    private final PagingState s;
    private final Mappings mappings;
    private final Pager pager;

    DemandFaultHandler(PagingState state, Mappings mappings, Pager pager) {
        this.s = state;
        this.mappings = mappings;
        this.pager = pager;
    }

    @Override
    public boolean handle(CpuContext context, PageFault fault) {
        if (fault.isReservedBit()) {
            return false;
        }
        long va = fault.linearAddress();
        synchronized (s) {
            long directory = context.cr3() & Cr3.PD_BASE & 0xFFFFFFFFL;
            int running = s.spaces.actorOf(directory);
            if (running < 0) {
                return false;
            }
            int pde = s.tables.pde(directory, va);
            if (present(pde)) {
                int leaf = (pde & Paging.PS) != 0 ? pde : s.tables.pte(directory, va);
                if (present(leaf)) {
                    return Entries.allows(pde & leaf, fault, context.cr0());
                }
            }
            int owner = KernelLayout.isUser(va) ? running : FrameAllocator.KERNEL;
            long list = s.spaces.regions(owner);
            Region region = list == 0 ? null : new RegionList(s.ram, list).find(va);
            if (region == null || !Entries.allows(region.prot(), fault, context.cr0())) {
                return false;
            }
            return owner == FrameAllocator.KERNEL ? mappings.fill(owner, va, region.prot())
                    : pager.fault(owner, va, region.prot());
        }
    }
}
