package org.clkernel.heap;

import static org.clkernel.api.paging.KernelLayout.HEAP_WINDOW;

import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;

import org.clkernel.api.heap.KernelHeap.ActorHeapStats;

/**
 * The heap's control block, its table of allocation sites and its per-actor statistics, at the
 * start of the heap window; the anchor {@value #ANCHOR} holds the physical address of the frame
 * under the control block.
 *
 * <pre>
 * page 0      +0  u32 magic "CLKH"   +4  u32 layout version
 *             +8  u64 top: end of the mapped heap (the epilogue is its last HEADER bytes)
 *             +16 u64 current bytes  +24 u64 peak bytes   +32 u64 total bytes   +40 u64 live blocks
 *             +48 u64 epoch: wall-clock milliseconds when the heap was formatted
 *             +56 u64 writes after free found
 *             +64 u32 bitmap of the actor statistics pages mapped
 *             +256 sites: {@value #SITES} entries of 32 bytes, a NUL-padded ASCII name (entry 0 unused)
 * pages 1-32  per actor (128 a page): u64 current bytes, u64 peak bytes, u64 total bytes, u64 live blocks
 * page 33     the first block, at {@link #FIRST_BLOCK}
 * </pre>
 * The counters are mirrored in Java fields and written through, so that an update costs no read
 * of RAM; a new instance loads them from RAM.
 */
final class HeapControl {
    static final String ANCHOR = "heap";
    static final int MAGIC = 0x484B4C43;
    static final int VERSION = 2;
    static final int SITES = 120;
    static final int SITE_BYTES = 32;
    static final int ACTORS = 4096;
    static final int ACTOR_PAGES = 32;
    private static final int ACTOR_BYTES = 32;
    static final long FIRST_BLOCK = HEAP_WINDOW + (1 + ACTOR_PAGES) * HeapMemory.PAGE;
    private static final long TOP = HEAP_WINDOW + 8;
    private static final long CURRENT = HEAP_WINDOW + 16;
    private static final long PEAK = HEAP_WINDOW + 24;
    private static final long TOTAL = HEAP_WINDOW + 32;
    private static final long BLOCKS = HEAP_WINDOW + 40;
    private static final long EPOCH = HEAP_WINDOW + 48;
    private static final long WRITES_AFTER_FREE = HEAP_WINDOW + 56;
    private static final long ACTOR_MAP = HEAP_WINDOW + 64;
    private static final long SITE_TABLE = HEAP_WINDOW + 256;

    private final HeapMemory m;
    private final LongSupplier clock;
    private long top;
    private long current;
    private long peak;
    private long total;
    private long blocks;
    private long epoch;
    private long writesAfterFree;
    private int actorPages;
    /** Per actor: current, peak, total, blocks; mirrors the mapped pages. */
    private final long[] actors = new long[ACTORS * 4];

    /** @param clock wall-clock milliseconds */
    HeapControl(HeapMemory m, LongSupplier clock) {
        this.m = m;
        this.clock = clock;
    }

    /** Formats the control page, which must be mapped and zeroed. */
    void format(long top, long epochMillis) {
        m.write32(HEAP_WINDOW, MAGIC);
        m.write32(HEAP_WINDOW + 4, VERSION);
        m.write64(EPOCH, epochMillis);
        setTop(top);
        load();
    }

    boolean valid() {
        return m.read32(HEAP_WINDOW) == MAGIC && m.read32(HEAP_WINDOW + 4) == VERSION;
    }

    /** Reads every counter from RAM, as a new instance does. */
    void load() {
        top = m.read64(TOP);
        current = m.read64(CURRENT);
        peak = m.read64(PEAK);
        total = m.read64(TOTAL);
        blocks = m.read64(BLOCKS);
        epoch = m.read64(EPOCH);
        writesAfterFree = m.read64(WRITES_AFTER_FREE);
        actorPages = m.read32(ACTOR_MAP);
        java.util.Arrays.fill(actors, 0);
        for (int page = 0; page < ACTOR_PAGES; page++) {
            if ((actorPages >>> page & 1) != 0) {
                for (int a = page * 128; a < (page + 1) * 128; a++) {
                    for (int f = 0; f < 4; f++) {
                        actors[a * 4 + f] = m.read64(actorField(a, f));
                    }
                }
            }
        }
    }

    long top() {
        return top;
    }

    void setTop(long top) {
        this.top = top;
        m.write64(TOP, top);
    }

    /** The epilogue header: the last HEADER bytes of the heap. */
    long epilogue() {
        return top - BlockTags.HEADER;
    }

    /** Milliseconds since the epoch, as the 32 bits a block header keeps. */
    long now() {
        return (clock.getAsLong() - epoch) & 0xFFFFFFFFL;
    }

    /**
     * Makes sure {@code owner}'s statistics page is mapped. @return whether it is; a heap that
     * cannot map it cannot account the block and does not allocate it
     */
    boolean ensureActor(int owner) {
        int page = owner / 128;
        if ((actorPages >>> page & 1) != 0) {
            return true;
        }
        if (!m.map(HEAP_WINDOW + (1 + page) * HeapMemory.PAGE, 1)) {
            return false;
        }
        actorPages |= 1 << page;
        m.write32(ACTOR_MAP, actorPages);
        return true;
    }

    /** A block of {@code bytes} was allocated for {@code owner}, whose page is mapped. */
    void allocated(int owner, long bytes) {
        write(BLOCKS, ++blocks);
        write(TOTAL, total += bytes);
        setCurrent(current + bytes);
        int a = owner * 4;
        actor(owner, 3, ++actors[a + 3]);
        actor(owner, 2, actors[a + 2] += bytes);
        actor(owner, 0, actors[a] += bytes);
        if (actors[a] > actors[a + 1]) {
            actor(owner, 1, actors[a + 1] = actors[a]);
        }
    }

    void freed(int owner, long bytes) {
        write(BLOCKS, --blocks);
        write(CURRENT, current -= bytes);
        int a = owner * 4;
        actor(owner, 3, --actors[a + 3]);
        actor(owner, 0, actors[a] -= bytes);
    }

    /** A live block changed from {@code from} to {@code to} bytes in place: growth counts as allocated. */
    void resized(int owner, long from, long to) {
        write(TOTAL, total += Math.max(0, to - from));
        setCurrent(current - from + to);
        int a = owner * 4;
        actor(owner, 2, actors[a + 2] += Math.max(0, to - from));
        actor(owner, 0, actors[a] += to - from);
        if (actors[a] > actors[a + 1]) {
            actor(owner, 1, actors[a + 1] = actors[a]);
        }
    }

    void writeAfterFree() {
        write(WRITES_AFTER_FREE, ++writesAfterFree);
    }

    long writesAfterFree() {
        return writesAfterFree;
    }

    private void setCurrent(long bytes) {
        write(CURRENT, current = bytes);
        if (current > peak) {
            write(PEAK, peak = current);
        }
    }

    private void write(long field, long value) {
        m.write64(field, value);
    }

    private void actor(int owner, int field, long value) {
        m.write64(actorField(owner, field), value);
    }

    private static long actorField(int owner, int field) {
        return HEAP_WINDOW + HeapMemory.PAGE + (long) owner * ACTOR_BYTES + field * 8L;
    }

    long current() {
        return current;
    }

    long peak() {
        return peak;
    }

    long total() {
        return total;
    }

    long blocks() {
        return blocks;
    }

    long actorCurrent(int owner) {
        return actors[owner * 4];
    }

    long actorBlocks(int owner) {
        return actors[owner * 4 + 3];
    }

    ActorHeapStats actorStats(int owner) {
        int a = owner * 4;
        return new ActorHeapStats(owner, actors[a], actors[a + 1], actors[a + 2], actors[a + 3]);
    }

    /** The counters of {@code owner} as RAM holds them, for the integrity walk. */
    long[] actorInRam(int owner) {
        if ((actorPages >>> (owner / 128) & 1) == 0) {
            return new long[4];
        }
        long[] fields = new long[4];
        for (int f = 0; f < 4; f++) {
            fields[f] = m.read64(actorField(owner, f));
        }
        return fields;
    }

    /** The counters of the control block as RAM holds them: current, peak, total, blocks. */
    long[] totalsInRam() {
        return new long[] {m.read64(CURRENT), m.read64(PEAK), m.read64(TOTAL), m.read64(BLOCKS)};
    }

    // ---- allocation sites --------------------------------------------------------------------------

    /**
     * The id of a site name, registering it when new.
     *
     * @throws IllegalArgumentException for a name that is empty, longer than 31 bytes or not printable ASCII
     * @throws IllegalStateException    when the table is full
     */
    int site(String name) {
        byte[] wanted = siteBytes(name);
        for (int id = 1; id < SITES; id++) {
            String have = siteName(id);
            if (have.isEmpty()) {
                m.write(SITE_TABLE + (long) id * SITE_BYTES, wanted, 0, wanted.length);
                return id;
            }
            if (have.equals(name)) {
                return id;
            }
        }
        throw new IllegalStateException("the heap's table of " + (SITES - 1) + " allocation sites is full");
    }

    /** The name of a site id, "" for one never registered. */
    String siteName(int id) {
        if (id <= 0 || id >= SITES) {
            return "";
        }
        byte[] bytes = new byte[SITE_BYTES];
        m.read(SITE_TABLE + (long) id * SITE_BYTES, bytes, 0, SITE_BYTES);
        int n = 0;
        while (n < SITE_BYTES && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.US_ASCII);
    }

    private static byte[] siteBytes(String name) {
        if (name == null || name.isEmpty() || name.length() >= SITE_BYTES
                || !name.chars().allMatch(c -> c > ' ' && c < 127)) {
            throw new IllegalArgumentException("site name '" + name + "': 1 to " + (SITE_BYTES - 1)
                    + " printable ASCII characters, no spaces");
        }
        return name.getBytes(StandardCharsets.US_ASCII);
    }
}
