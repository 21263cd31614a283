package org.clkernel.paging.space;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.machine.SwapDevice;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.physical.Gfp;
import org.clkernel.api.x86.Paging;

/**
 * Which swap slots hold which page: one u32 per slot of the device, in a block of kernel frames
 * whose address the space table's header holds. A record is 0 for a free slot, else
 * {@code (space-table slot + 1) << 20 | linear page number} (user pages are below 2^20), so a slot
 * names the one page whose contents it holds and a restart can tell swapped pages from clean
 * copies. This is the used-slot bitmap with the owner in it.
 *
 * <p>A used slot holds either a swapped-out page, whose PTE is the swap entry naming this slot, or
 * a clean copy of a page that was swapped in and is resident again: the copy stays until the page
 * is evicted (rewritten there if it was written meanwhile, dropped without I/O if not), unmapped,
 * or a slot is needed and none is free, when the oldest copy is given up. The map of copies and
 * the free count are caches rebuilt from the records and the page tables on attach.
 *
 * <p>Callers hold the state's monitor.
 */
final class SwapMap {
    private final PhysicalMemory ram;
    private final SwapDevice device;
    private final long base;
    private final int slots;
    /** Record of a resident page with a clean copy -> its slot, oldest first. */
    private final Map<Integer, Integer> copies = new LinkedHashMap<>();
    private int used;
    private int hint;

    private SwapMap(PhysicalMemory ram, SwapDevice device, long base, int slots) {
        this.ram = ram;
        this.device = device;
        this.base = base;
        this.slots = slots;
    }

    /** A map of no slots: a machine without swap never evicts. */
    static SwapMap none(PhysicalMemory ram, SwapDevice device) {
        return new SwapMap(ram, device, 0, 0);
    }

    /** The order of the block that holds the records of this many slots. */
    static int order(int slots) {
        long frames = ((long) slots * 4 + Paging.PAGE_SIZE - 1) / Paging.PAGE_SIZE;
        return 64 - Long.numberOfLeadingZeros(Math.max(1, frames) - 1);
    }

    /** Allocates and zeroes a map for the device's slots; null when no frames are left. */
    static SwapMap format(PhysicalMemory ram, SwapDevice device, FrameAllocator frames) {
        int slots = Math.min(device.slots(), Entries.MAX_SLOTS);
        if (slots == 0) {
            return none(ram, device);
        }
        long pfn = frames.allocate(order(slots), FrameAllocator.KERNEL, Gfp.ZERO);
        return pfn < 0 ? null : new SwapMap(ram, device, pfn << 12, slots);
    }

    /** The map at {@code base}, with the free count and the copies rebuilt. */
    static SwapMap attach(PhysicalMemory ram, SwapDevice device, long base, int slots, SpaceTable spaces, PageTables tables) {
        SwapMap map = new SwapMap(ram, device, base, slots);
        for (int slot = 0; slot < slots; slot++) {
            int record = map.record(slot);
            if (record == 0) {
                continue;
            }
            map.used++;
            int actor = spaces.slotActor((record >>> 20) - 1);
            if (actor > 0 && Entries.pageable(tables.pte(spaces.directory(actor), (long) (record & 0xFFFFF) << 12))) {
                map.copies.put(record, slot);
            }
        }
        return map;
    }

    static int record(int spaceSlot, long page) {
        return (spaceSlot + 1) << 20 | (int) page;
    }

    long base() {
        return base;
    }

    int slots() {
        return slots;
    }

    int used() {
        return used;
    }

    int cleanCopies() {
        return copies.size();
    }

    int record(int slot) {
        return ram.read32(base + 4L * slot);
    }

    /** Whether a slot can be had for a page without one: a free one, or a clean copy to give up. */
    boolean canTake() {
        return used < slots || !copies.isEmpty();
    }

    /** The slot of a clean copy of this page, or -1. */
    int copyOf(int record) {
        return copies.getOrDefault(record, -1);
    }

    /** A slot for a page: a free one, else the oldest clean copy's. -1 when {@link #canTake} is false. */
    int take(int record) {
        int slot = -1;
        if (used < slots) {
            for (int i = 0; i < slots && slot < 0; i++) {
                int candidate = (hint + i) % slots;
                if (record(candidate) == 0) {
                    slot = candidate;
                }
            }
            used++;
            hint = slot + 1;
        } else if (!copies.isEmpty()) {
            Iterator<Integer> oldest = copies.values().iterator();
            slot = oldest.next();
            oldest.remove();
        }
        if (slot >= 0) {
            ram.write32(base + 4L * slot, record);
        }
        return slot;
    }

    /** The page is resident again and its slot keeps a clean copy. */
    void keepAsCopy(int record, int slot) {
        copies.put(record, slot);
    }

    /** The page leaves for its slot: the slot no longer holds a copy of a resident page. */
    void swappedOut(int record) {
        copies.remove(record);
    }

    /** Frees a slot and forgets its contents on the device. */
    void free(int slot) {
        int record = record(slot);
        if (record != 0) {
            copies.remove(record);
            ram.write32(base + 4L * slot, 0);
            used--;
            device.discard(slot);
        }
    }

    /** Frees the clean copy of a resident page, if it has one. */
    void freeCopy(int record) {
        Integer slot = copies.get(record);
        if (slot != null) {
            free(slot);
        }
    }

    /** Frees every slot of a space. @return the slots freed */
    int freeSpace(int spaceSlot) {
        int freed = 0;
        for (int slot = 0; slot < slots && used > 0; slot++) {
            int record = record(slot);
            if (record != 0 && (record >>> 20) == spaceSlot + 1) {
                free(slot);
                freed++;
            }
        }
        return freed;
    }
}
