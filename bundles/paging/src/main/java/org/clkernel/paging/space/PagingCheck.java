package org.clkernel.paging.space;

import static org.clkernel.api.x86.Paging.G;
import static org.clkernel.api.x86.Paging.P;
import static org.clkernel.api.x86.Paging.RW;
import static org.clkernel.api.x86.Paging.US;
import static org.clkernel.paging.space.Entries.frame;
import static org.clkernel.paging.space.Entries.present;

import java.util.HashSet;
import java.util.Set;

import org.clkernel.api.CheckResult;
import org.clkernel.api.paging.KernelLayout;
import org.clkernel.api.paging.Prot;
import org.clkernel.api.paging.Region;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.physical.FrameAllocator.Block;
import org.clkernel.api.x86.Paging;

/**
 * The integrity walk: the space table, every page directory and table and every region list, up
 * to the first broken element, which it names. Rules beyond the layout:
 * <ul>
 * <li>directories, tables, region lists and pages filled on demand are order-0 frames allocated
 *     to the space's actor (the kernel's for the kernel half), each used in one place only;</li>
 * <li>the kernel's directory holds the direct map and kernel tables and no user entry; every other
 *     directory has the same kernel half, but for the A and D flags the MMU sets per directory;</li>
 * <li>user entries have U/S, kernel entries never; kernel pages are global; a not-present entry is 0
 *     or, in a user table, a swap entry;</li>
 * <li>the swap slot map is a kernel block of its order; a swap entry's slot is in range and its
 *     record names that page of that space; every used record names a page of a live space that is
 *     swapped out to it or resident (a clean copy); no page has two slots; the used count is right.</li>
 * <li>regions are sorted, disjoint, page aligned, inside the space's half, with a valid protection.</li>
 * </ul>
 * Run holding the state's monitor.
 */
final class PagingCheck {
    static final String STRUCTURE = "page tables";
    private static final int FLAGS = 0xFFF & ~Entries.HARDWARE_SET;

    private final PagingState s;
    private final Set<Long> used = new HashSet<>();
    private final Set<Integer> records = new HashSet<>();
    private int checked;

    PagingCheck(PagingState state) {
        this.s = state;
    }

    CheckResult run() {
        String problem = walk();
        return problem == null ? CheckResult.ok(STRUCTURE, checked) : CheckResult.broken(STRUCTURE, checked, problem);
    }

    private String walk() {
        SpaceTable t = s.spaces;
        if (t.slotActor(0) != FrameAllocator.KERNEL) {
            return "space table slot 0 holds actor " + t.slotActor(0) + ", not the kernel";
        }
        long kernelDirectory = t.slotDirectory(0);
        for (int slot = 0; slot < SpaceTable.CAPACITY; slot++) {
            int actor = t.slotActor(slot);
            if (actor == -1) {
                continue;
            }
            checked++;
            if (actor < 0 || actor >= FrameAllocator.MAX_OWNER || (slot > 0 && actor == FrameAllocator.KERNEL)) {
                return "space table slot " + slot + " holds actor " + actor;
            }
            String problem = space(actor, t.slotDirectory(slot), t.slotRegions(slot), kernelDirectory);
            if (problem != null) {
                return "space of actor " + actor + ": " + problem;
            }
        }
        long io = t.ioNext();
        if (io < KernelLayout.IO_WINDOW || (io & (Paging.PAGE_SIZE - 1)) != 0) {
            return String.format("the next MMIO-window address 0x%x is outside the window", io);
        }
        return swapMap();
    }

    private String swapMap() {
        SwapMap map = s.swap;
        if (map.slots() == 0) {
            return null;
        }
        long base = map.base();
        Block b = s.frames.block(base >>> Paging.PAGE_SHIFT);
        if (b == null || b.owner() != FrameAllocator.KERNEL || b.order() != SwapMap.order(map.slots())) {
            return String.format("the swap slot map 0x%08x is not a kernel block of order %d", base, SwapMap.order(map.slots()));
        }
        Set<Integer> seen = new HashSet<>();
        int usedSlots = 0;
        for (int slot = 0; slot < map.slots(); slot++) {
            int record = map.record(slot);
            if (record == 0) {
                continue;
            }
            checked++;
            usedSlots++;
            if (!seen.add(record)) {
                return "swap slot " + slot + " holds a page that another slot holds too";
            }
            int spaceSlot = (record >>> 20) - 1;
            int actor = spaceSlot < SpaceTable.CAPACITY ? s.spaces.slotActor(spaceSlot) : -1;
            long va = (long) (record & 0xFFFFF) << Paging.PAGE_SHIFT;
            if (actor <= 0) {
                return String.format("swap slot %d names space-table slot %d, which holds no user space", slot, spaceSlot);
            }
            int pte = s.tables.pte(s.spaces.directory(actor), va);
            if (!(Entries.swapped(pte) && Entries.slot(pte) == slot) && !Entries.pageable(pte)) {
                return String.format("swap slot %d holds page 0x%08x of actor %d, whose PTE 0x%08x is neither that slot's swap entry nor resident",
                        slot, va, actor, pte);
            }
        }
        if (!records.stream().allMatch(seen::contains)) {
            return "a swap entry names a slot whose record does not name it";
        }
        return usedSlots == map.used() ? null
                : "the swap slot map has " + usedSlots + " used slots but counts " + map.used();
    }

    private String space(int actor, long directory, long regions, long kernelDirectory) {
        String problem = owned(directory, actor, "page directory");
        for (int i = 0; problem == null && i < Paging.ENTRIES_PER_TABLE; i++) {
            int pde = s.ram.read32(directory + 4L * i);
            checked++;
            if (i < KernelLayout.KERNEL_PDE) {
                problem = userPde(actor, i, pde);
            } else if (actor != FrameAllocator.KERNEL) {
                int kernels = s.ram.read32(kernelDirectory + 4L * i);
                if (((pde ^ kernels) & ~Entries.HARDWARE_SET) != 0) {
                    problem = String.format("PDE %d is 0x%08x but the kernel's is 0x%08x", i, pde, kernels);
                }
            } else {
                problem = kernelPde(i, pde);
            }
        }
        return problem != null || regions == 0 ? problem : regions(actor, regions);
    }

    private String userPde(int actor, int i, int pde) {
        if (!present(pde)) {
            return pde == 0 ? null : String.format("PDE %d is not present but 0x%08x", i, pde);
        }
        if (actor == FrameAllocator.KERNEL) {
            return String.format("the kernel's directory maps user addresses (PDE %d is 0x%08x)", i, pde);
        }
        if ((pde & FLAGS) != (P | RW | US)) {
            return String.format("PDE %d is 0x%08x; a user table's entry is P RW US", i, pde);
        }
        return table(actor, i, frame(pde));
    }

    private String kernelPde(int i, int pde) {
        long va = (long) i << Paging.LARGE_PAGE_SHIFT;
        if (va < KernelLayout.HEAP_WINDOW) {
            int expected = s.kernel.expectedDirectMapPde(i);
            return (pde & ~Entries.HARDWARE_SET) == expected ? null
                    : String.format("direct-map PDE %d is 0x%08x, not 0x%08x", i, pde, expected);
        }
        if (!present(pde)) {
            return pde == 0 ? null : String.format("PDE %d is not present but 0x%08x", i, pde);
        }
        if ((pde & FLAGS) != (P | RW)) {
            return String.format("PDE %d is 0x%08x; a kernel table's entry is P RW, supervisor", i, pde);
        }
        return table(FrameAllocator.KERNEL, i, frame(pde));
    }

    private String table(int owner, int pdIndex, long table) {
        String problem = owned(table, owner, "page table");
        boolean kernel = owner == FrameAllocator.KERNEL;
        for (int j = 0; problem == null && j < Paging.ENTRIES_PER_TABLE; j++) {
            int pte = s.ram.read32(table + 4L * j);
            long va = ((long) pdIndex << Paging.LARGE_PAGE_SHIFT) | ((long) j << Paging.PAGE_SHIFT);
            checked++;
            if (!present(pte)) {
                problem = pte == 0 ? null : kernel || !Entries.swapped(pte) || (pte & 0xFFF) != (pte & 0xFFF & Entries.swapEntry(0))
                        ? String.format("PTE of 0x%08x is not present but 0x%08x", va, pte) : swapEntry(owner, va, pte);
            } else if (kernel ? (pte & (US | G)) != G : (pte & (US | G)) != US) {
                problem = String.format("PTE of 0x%08x is 0x%08x; a %s page is %s", va, pte,
                        kernel ? "kernel" : "user", kernel ? "supervisor and global" : "user and not global");
            } else if ((pte & Entries.ANONYMOUS) != 0) {
                problem = owned(frame(pte), owner, String.format("page of 0x%08x filled on demand", va));
            }
        }
        return problem;
    }

    /** A swap entry names a slot in range whose record names this page of this space. */
    private String swapEntry(int actor, long va, int pte) {
        int slot = Entries.slot(pte);
        if (slot >= s.swap.slots()) {
            return String.format("PTE of 0x%08x names swap slot %d of %d", va, slot, s.swap.slots());
        }
        int record = SwapMap.record(s.spaces.slotOf(actor), va >>> Paging.PAGE_SHIFT);
        if (s.swap.record(slot) != record) {
            return String.format("PTE of 0x%08x names swap slot %d, whose record 0x%08x is not this page's", va, slot,
                    s.swap.record(slot));
        }
        records.add(record);
        return null;
    }

    private String regions(int actor, long list) {
        String problem = owned(list, actor, "region list");
        RegionList regions = new RegionList(s.ram, list);
        if (problem != null || regions.count() < 0 || regions.count() > RegionList.CAPACITY) {
            return problem != null ? problem : "the region list holds " + regions.count() + " records";
        }
        long previousEnd = 0;
        for (Region r : regions.all()) {
            checked++;
            boolean kernel = actor == FrameAllocator.KERNEL;
            long low = kernel ? KernelLayout.HEAP_WINDOW : 0;
            long high = kernel ? KernelLayout.HEAP_WINDOW_END : KernelLayout.KERNEL_BASE;
            boolean protOk = (r.prot() & ~Prot.ALL) == 0 && ((r.prot() & Prot.USER) != 0) != kernel;
            if (r.length() <= 0 || ((r.start() | r.length()) & (Paging.PAGE_SIZE - 1)) != 0 || r.start() < previousEnd
                    || r.start() < low || r.end() > high || !protOk) {
                return String.format("region 0x%08x-0x%08x (prot 0x%x) is misplaced, unaligned, overlapping or badly protected",
                        r.start(), r.end(), r.prot());
            }
            previousEnd = r.end();
        }
        return null;
    }

    /** Whether a structure's frame is an order-0 block of the owner that nothing else uses. */
    private String owned(long address, int owner, String what) {
        Block b = (address & (Paging.PAGE_SIZE - 1)) == 0 ? s.frames.block(address >>> Paging.PAGE_SHIFT) : null;
        if (b == null || b.order() != 0 || b.owner() != owner) {
            return String.format("%s 0x%08x is not an order-0 frame allocated to actor %d (%s)", what, address, owner,
                    b == null ? "no block starts there" : "order " + b.order() + " of actor " + b.owner());
        }
        return used.add(address) ? null : String.format("%s 0x%08x is used in two places", what, address);
    }
}
