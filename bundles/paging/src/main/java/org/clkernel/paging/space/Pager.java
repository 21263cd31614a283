package org.clkernel.paging.space;

import static org.clkernel.api.x86.Paging.PAGE_SHIFT;
import static org.clkernel.api.x86.Paging.PAGE_SIZE;

import org.clkernel.api.machine.SwapDevice;
import org.clkernel.api.physical.Gfp;
import org.clkernel.api.replacement.ReplacementPolicy;
import org.clkernel.api.x86.Paging;
import org.clkernel.paging.space.SpaceTable.Counter;

/**
 * Demand paging of user regions with swap: a fault on a page of a region gets a frame (a new one,
 * or the frame of a page the policy evicts when the space is at its resident limit or the
 * allocator refuses) and fills it with zeros on first touch (a minor fault) or from the page's
 * swap slot (a major fault, a swap-in).
 *
 * <p>Eviction: the victim's PTE goes to 0 first (compare-and-set, so the D flag read is the last
 * the MMU set) and its translation is shot down; then the page is written to its slot if it is
 * dirty or has no copy there (a swap-out), and the PTE becomes the swap entry naming the slot. A
 * clean page whose slot still holds its contents leaves without a write, and a page that still
 * holds the zeros it was filled with ({@link Entries#ZERO}, D clear) leaves with nothing kept at
 * all: its PTE stays 0 and its next touch is a minor fault again. A page read back keeps
 * its slot as a clean copy (see {@link SwapMap}). Replacement is local: a space only ever evicts
 * its own pages, so a frame quota holds by construction. Kernel pages are never evicted.
 *
 * <p>Callers hold the state's monitor, so no other fault or mapping change interleaves, and a
 * context that walks into the zeroed PTE meanwhile faults and waits for the monitor.
 */
final class Pager {
    private final PagingState s;
    private final Replacement policies;

    Pager(PagingState state, Replacement policies) {
        this.s = state;
        this.policies = policies;
    }

    private SwapDevice device() {
        return s.machine.swap();
    }

    private int record(int actor, long page) {
        return SwapMap.record(s.spaces.slotOf(actor), page);
    }

    /**
     * Resolves a fault on a page of a user region whose PTE is not present (0 or a swap entry).
     *
     * @return false when no frame can be had even by eviction
     */
    boolean fault(int actor, long va, int prot) {
        long page = va >>> PAGE_SHIFT;
        long directory = s.spaces.directory(actor);
        long table;
        while ((table = s.tables.userTable(directory, va, actor)) < 0) {
            long frame = evict(actor, ReplacementPolicy.NO_PAGE);
            if (frame < 0) {
                return false;
            }
            s.tables.freeFrame(frame, actor);
        }
        long at = table + 4L * Paging.ptIndex(va);
        long limit = policies.limit(actor);
        while (limit > 0 && policies.resident(actor) > limit - 1 && policies.resident(actor) > 0) {
            boolean last = policies.resident(actor) == limit;
            long frame = evict(actor, last ? page : ReplacementPolicy.NO_PAGE);
            if (frame < 0) {
                return false;
            }
            if (last) {
                return fill(actor, page, at, frame, prot);
            }
            s.tables.freeFrame(frame, actor); // down to the limit, which was lowered
        }
        long pfn = s.frames.allocate(0, actor, Gfp.NONE);
        long frame = pfn >= 0 ? pfn << PAGE_SHIFT : policies.resident(actor) > 0 ? evict(actor, page) : -1;
        return frame >= 0 && fill(actor, page, at, frame, prot);
    }

    private boolean fill(int actor, long page, long at, long frame, int prot) {
        int old = s.ram.read32(at);
        if (Entries.swapped(old)) {
            int slot = Entries.slot(old);
            device().read(slot, frame);
            s.swap.keepAsCopy(record(actor, page), slot);
            s.spaces.count(actor, Counter.MAJOR_FAULTS, 1);
            s.spaces.count(actor, Counter.SWAP_INS, 1);
            s.tables.write(at, Entries.pte(frame, prot, false, true));
        } else {
            s.ram.zero(frame, PAGE_SIZE);
            s.spaces.count(actor, Counter.MINOR_FAULTS, 1);
            s.tables.write(at, Entries.pte(frame, prot, false, true) | Entries.ZERO);
        }
        policies.admitted(actor, page);
        return true;
    }

    /**
     * Evicts the policy's victim to swap. @return its frame, still the actor's, or -1 when nothing
     * can be evicted (nothing resident, or a victim that must be kept and no swap slot to be had:
     * the victim then stays resident)
     */
    private long evict(int actor, long incoming) {
        if (policies.resident(actor) == 0) {
            return -1;
        }
        long victim = policies.evict(actor, incoming);
        long va = victim << PAGE_SHIFT;
        long at = s.tables.pteAddress(s.spaces.directory(actor), va);
        int old = s.tables.update(at, e -> 0);
        s.spaces.count(actor, Counter.TLB_SHOOTDOWNS, s.shootdowns.page(actor, va));
        long frame = Entries.frame(old);
        if (Entries.stillZero(old)) {
            return frame; // nothing to keep: the PTE stays 0 and the next touch fills zeros again
        }
        int record = record(actor, victim);
        int copy = s.swap.copyOf(record);
        if (copy < 0 && !s.swap.canTake()) { // no room to keep it: it stays, and nothing can be evicted
            s.tables.write(at, old);
            policies.admitted(actor, victim);
            return -1;
        }
        int slot = copy >= 0 ? copy : s.swap.take(record);
        if (copy < 0 || (old & Paging.D) != 0) {
            device().write(slot, frame);
            s.spaces.count(actor, Counter.SWAP_OUTS, 1);
        }
        s.swap.swappedOut(record);
        s.tables.write(at, Entries.swapEntry(slot));
        return frame;
    }

    /** An unmapped entry leaves its slot, if it had one, and its place in the policy. */
    void unmapped(int actor, long va, int old) {
        long page = va >>> PAGE_SHIFT;
        if (Entries.swapped(old)) {
            s.swap.free(Entries.slot(old));
        } else if (Entries.pageable(old) && actor != 0) {
            s.swap.freeCopy(record(actor, page));
            policies.removed(actor, page);
        }
    }

    /** The space is about to be destroyed: its slots and its policy instance go. */
    void destroying(int actor) {
        s.swap.freeSpace(s.spaces.slotOf(actor));
        policies.forget(actor);
    }
}
