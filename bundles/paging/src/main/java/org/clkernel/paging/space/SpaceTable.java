package org.clkernel.paging.space;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.paging.PagingCounters;
import org.clkernel.api.physical.FrameAllocator;

/**
 * The table of address spaces, the table of every page directory: a block of 2^{@value #ORDER}
 * kernel frames found through the anchor "paging".
 *
 * <pre>
 * +0 magic "CLKV"  +4 layout version  +8 capacity  +12 direct-map bytes  +16 next MMIO-window address
 * +20 swap slot map (0: none)  +24 slots it covers
 * +64 + 64*slot: +0 actor + 1 (0: slot free)  +4 page directory  +8 region list (0: none)
 *                +16 u64 counters: minor faults, major faults, swap-ins, swap-outs, TLB shootdowns
 *                +56 resident limit in pages (0: the actor's frame quota)
 * </pre>
 * The swap fields and the resident limit were added to layout 1 where it had zeros, which read as
 * "no swap map yet" and "default limit", so a table written before them attaches unchanged.
 * Slot 0 is always the kernel's. The Java maps from actor to slot and from directory to actor
 * are caches of the slots, rebuilt on attach; the counters live in RAM and survive a restart.
 */
final class SpaceTable {
    static final int MAGIC = 0x564B4C43;
    static final int VERSION = 1;
    static final int ORDER = 2;
    static final int HEADER = 64;
    static final int ENTRY = 64;
    static final int CAPACITY = ((4096 << ORDER) - HEADER) / ENTRY;

    enum Counter { MINOR_FAULTS, MAJOR_FAULTS, SWAP_INS, SWAP_OUTS, TLB_SHOOTDOWNS }

    private final PhysicalMemory ram;
    final long base;
    private final int[] slotOf = new int[FrameAllocator.MAX_OWNER];
    private final Map<Long, Integer> actorOfDirectory = new HashMap<>();

    private SpaceTable(PhysicalMemory ram, long base) {
        this.ram = ram;
        this.base = base;
        Arrays.fill(slotOf, -1);
    }

    /** Writes an empty table into a zeroed block. */
    static SpaceTable format(PhysicalMemory ram, long base, long directMapBytes, long ioStart) {
        ram.write32(base + 4, VERSION);
        ram.write32(base + 8, CAPACITY);
        ram.write32(base + 12, (int) directMapBytes);
        ram.write32(base + 16, (int) ioStart);
        ram.write32(base, MAGIC);
        return new SpaceTable(ram, base);
    }

    /** The table at {@code base} if its header is this layout's, with its caches rebuilt; else null. */
    static SpaceTable attach(PhysicalMemory ram, long base) {
        if (ram.read32(base) != MAGIC || ram.read32(base + 4) != VERSION || ram.read32(base + 8) != CAPACITY) {
            return null;
        }
        SpaceTable table = new SpaceTable(ram, base);
        for (int slot = 0; slot < CAPACITY; slot++) {
            int actor = table.slotActor(slot);
            if (actor >= 0 && actor < FrameAllocator.MAX_OWNER) {
                table.cache(slot, actor);
            }
        }
        return table;
    }

    private void cache(int slot, int actor) {
        slotOf[actor] = slot;
        actorOfDirectory.put(slotDirectory(slot), actor);
    }

    // ---- header --------------------------------------------------------------------------------

    long directMapBytes() {
        return u32(base + 12);
    }

    /** The next free address of the MMIO window; 2^32 (stored as 0) once it is used up. */
    long ioNext() {
        long next = u32(base + 16);
        return next == 0 ? 1L << 32 : next;
    }

    void setIoNext(long va) {
        ram.write32(base + 16, (int) va);
    }

    long swapMap() {
        return u32(base + 20);
    }

    int swapSlots() {
        return ram.read32(base + 24);
    }

    void setSwapMap(long map, int slots) {
        ram.write32(base + 24, slots);
        ram.write32(base + 20, (int) map);
    }

    // ---- slots ---------------------------------------------------------------------------------

    private long entry(int slot) {
        return base + HEADER + (long) slot * ENTRY;
    }

    /** The actor of a slot, or -1 when the slot is free. */
    int slotActor(int slot) {
        return ram.read32(entry(slot)) - 1;
    }

    long slotDirectory(int slot) {
        return u32(entry(slot) + 4);
    }

    long slotRegions(int slot) {
        return u32(entry(slot) + 8);
    }

    /** @return the slot taken, or -1 when the table is full */
    int add(int actor, long directory) {
        int slot = actor == FrameAllocator.KERNEL ? 0 : 1;
        while (slot < CAPACITY && slotActor(slot) >= 0) {
            slot++;
        }
        if (slot == CAPACITY) {
            return -1;
        }
        ram.zero(entry(slot), ENTRY);
        ram.write32(entry(slot) + 4, (int) directory);
        ram.write32(entry(slot), actor + 1);
        cache(slot, actor);
        return slot;
    }

    void remove(int actor) {
        int slot = slotOf[actor];
        actorOfDirectory.remove(slotDirectory(slot));
        ram.zero(entry(slot), ENTRY);
        slotOf[actor] = -1;
    }

    boolean has(int actor) {
        return actor >= 0 && actor < slotOf.length && slotOf[actor] >= 0;
    }

    long directory(int actor) {
        return slotDirectory(slotOf[actor]);
    }

    long regions(int actor) {
        return slotRegions(slotOf[actor]);
    }

    void setRegions(int actor, long list) {
        ram.write32(entry(slotOf[actor]) + 8, (int) list);
    }

    /** The table slot of an actor's space. */
    int slotOf(int actor) {
        return slotOf[actor];
    }

    /** The explicit resident limit of a space, 0 when it has none. */
    long residentLimit(int actor) {
        return u32(entry(slotOf[actor]) + 56);
    }

    void setResidentLimit(int actor, long pages) {
        ram.write32(entry(slotOf[actor]) + 56, (int) pages);
    }

    /** The actor whose directory this is, or -1. */
    int actorOf(long directory) {
        return actorOfDirectory.getOrDefault(directory, -1);
    }

    /** Actors with a space, in slot order (the kernel first). */
    List<Integer> actors() {
        List<Integer> actors = new ArrayList<>();
        for (int slot = 0; slot < CAPACITY; slot++) {
            int actor = slotActor(slot);
            if (actor >= 0) {
                actors.add(actor);
            }
        }
        return actors;
    }

    // ---- counters ------------------------------------------------------------------------------

    void count(int actor, Counter counter, long n) {
        long at = entry(slotOf[actor]) + 16 + 8L * counter.ordinal();
        ram.write64(at, ram.read64(at) + n);
    }

    PagingCounters counters(int actor) {
        long at = entry(slotOf[actor]) + 16;
        return new PagingCounters(ram.read64(at), ram.read64(at + 8), ram.read64(at + 16), ram.read64(at + 24),
                ram.read64(at + 32));
    }

    private long u32(long address) {
        return ram.read32(address) & 0xFFFFFFFFL;
    }
}
