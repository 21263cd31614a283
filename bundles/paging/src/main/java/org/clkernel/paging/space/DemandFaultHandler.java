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
 * <li>the first touch of a page of a region whose protection allows the access: a zeroed frame of
 *     the region's owner is mapped (a minor fault) and the access retried. With no frame to be had
 *     (out of memory, over quota) the fault stays unresolved.</li>
 * </ul>
 * The space is the one whose directory the context's CR3 holds; an address in the kernel half
 * belongs to the kernel's space, whose regions and frames serve it.
 */
final class DemandFaultHandler implements PageFaultHandler {
    private final PagingState s;
    private final Mappings mappings;

    DemandFaultHandler(PagingState state, Mappings mappings) {
        this.s = state;
        this.mappings = mappings;
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
            return mappings.fill(owner, va, region.prot());
        }
    }
}
