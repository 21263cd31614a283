package org.clkernel.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.clkernel.api.machine.AccessKind;
import org.clkernel.api.machine.CpuContext;
import org.clkernel.api.machine.PageFaultException;
import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.machine.TlbEntry;
import org.clkernel.api.x86.Cr0;
import org.clkernel.api.x86.Cr4;
import org.clkernel.api.x86.PageFaultError;
import org.clkernel.api.x86.Paging;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Runs random sequences of paging-structure writes, control-register loads, accesses and TLB
 * invalidations on a machine context and on {@link ReferenceMmu} in lockstep, and after every step
 * compares the outcome (physical address, or error code and CR2), the paging structures in RAM
 * (A and D flags) and the whole TLB, so that stale entries must match too.
 *
 * <p>Linear addresses come from a pool of pages whose page numbers fall into distinct slots of the
 * 1024-entry direct-mapped TLB, so the machine never evicts and the unbounded model stays exact.
 * Paging structures live below 4 MiB; every frame an entry can name lies from 4 MiB to 12 MiB, so
 * data stores never reach a paging structure. Stored values have bit 0 clear: where a PDE with PS
 * is read as a page-table pointer (CR4.PSE clear), the words it finds are never present.
 */
class MmuPropertyTest {
    static final long[] DIRECTORIES = {0x100000L, 0x101000L};
    /** Page table i is the usual one for region i; any PDE may still point at any of them. */
    static final long[] TABLES = {0x110000L, 0x111000L, 0x112000L};
    /** PD index of each region, and the PT indices of its pool pages: nine distinct TLB slots. */
    static final int[] REGIONS = {0x001, 0x002, 0x301};
    static final int[][] PAGES = {{0x000, 0x001, 0x3FF}, {0x002, 0x003, 0x200}, {0x004, 0x005, 0x100}};
    static final long[] LARGE_FRAMES = {0x400000L, 0x800000L};
    static final long[] FRAMES = {0x500000L, 0x501000L, 0x6FF000L, 0x900000L, 0xA3C000L};
    static final int TLB_SLOTS = 1024;
    /** Entry bits a generator may set besides P, PS and the address. */
    static final int FLAGS = Paging.RW | Paging.US | Paging.PWT | Paging.PCD | Paging.A | Paging.D
            | Paging.G | 0xE00;

    // ---- the property --------------------------------------------------------------------------

    @Property(tries = 400)
    void machineMmuAgreesWithReferenceModel(@ForAll("runs") List<Op> run) {
        EmulatedMachine machine = new EmulatedMachine(16, TLB_SLOTS);
        Lockstep lockstep = new Lockstep(machine.context("t"), machine.physical(), new ReferenceMmu());
        for (Op op : run) {
            op.apply(lockstep);
            lockstep.compare(op);
        }
        lockstep.report();
    }

    // ---- operations ----------------------------------------------------------------------------

    /** One step, done on the machine and on the model; any disagreement fails the run. */
    sealed interface Op {
        void apply(Lockstep s);
    }

    record WritePde(int directory, int region, int value) implements Op {
        public void apply(Lockstep s) {
            s.store(DIRECTORIES[directory] + 4L * REGIONS[region], value);
        }

        public String toString() {
            return String.format("PD%d[%03x] = %08x (%s)", directory, REGIONS[region], value,
                    Paging.describe(value, true));
        }
    }

    record WritePte(int table, int index, int value) implements Op {
        public void apply(Lockstep s) {
            s.store(TABLES[table] + 4L * index, value);
        }

        public String toString() {
            return String.format("PT%d[%03x] = %08x (%s)", table, index, value, Paging.describe(value, false));
        }
    }

    /**
     * Rewrites whatever entry now maps a pool page in the current directory: its PTE, or its PDE
     * when that maps a 4 MiB page or is not present. The TLB may still hold the old translation.
     */
    record Remap(long linear, int pte, int pde) implements Op {
        public void apply(Lockstep s) {
            long pdeAddress = (s.model.cr3() & 0xFFFFF000L) + 4 * (linear >>> 22);
            int current = s.model.read32(pdeAddress);
            boolean large = (current & Paging.PS) != 0 && (s.model.cr4() & Cr4.PSE) != 0;
            if ((current & Paging.P) == 0 || large) {
                s.store(pdeAddress, pde);
            } else {
                s.store((current & 0xFFFFF000L) + 4 * ((linear >>> 12) & 0x3FF), pte);
            }
        }

        public String toString() {
            return String.format("remap %08x: PTE %08x (%s) or PDE %08x (%s)", linear, pte,
                    Paging.describe(pte, false), pde, Paging.describe(pde, true));
        }
    }

    record Access(long linear, AccessKind kind) implements Op {
        public void apply(Lockstep s) {
            s.access(linear, kind);
        }

        public String toString() {
            return String.format("translate %08x %s", linear, kind);
        }
    }

    record Read32(long linear) implements Op {
        public void apply(Lockstep s) {
            s.read32(linear);
        }

        public String toString() {
            return String.format("read32 %08x", linear);
        }
    }

    record Write32(long linear, int value) implements Op {
        public void apply(Lockstep s) {
            s.write32(linear, value);
        }

        public String toString() {
            return String.format("write32 %08x = %08x", linear, value);
        }
    }

    record Invlpg(long linear) implements Op {
        public void apply(Lockstep s) {
            s.cpu.invlpg(linear);
            s.model.invlpg(linear);
        }

        public String toString() {
            return String.format("invlpg %08x", linear);
        }
    }

    record LoadCr3(int directory) implements Op {
        public void apply(Lockstep s) {
            boolean hadGlobal = s.model.tlbEntries().stream().anyMatch(TlbEntry::global);
            s.cpu.setCr3((int) DIRECTORIES[directory]);
            s.model.setCr3((int) DIRECTORIES[directory]);
            s.globalSurvived |= hadGlobal && s.model.tlbEntries().stream().anyMatch(TlbEntry::global);
        }

        public String toString() {
            return "mov cr3, PD" + directory;
        }
    }

    /** MOV CR0 with PE and PG set and WP as given. */
    record SetWp(boolean on) implements Op {
        public void apply(Lockstep s) {
            s.setCr0(Cr0.PE | Cr0.PG | (on ? Cr0.WP : 0));
        }

        public String toString() {
            return "mov cr0, PE PG" + (on ? " WP" : "");
        }
    }

    /** Clears CR0.PG and sets it again: the whole TLB goes. */
    record PagingOffAndOn() implements Op {
        public void apply(Lockstep s) {
            s.setCr0(s.model.cr0() & ~Cr0.PG);
            s.setCr0(s.model.cr0() | Cr0.PG);
        }

        public String toString() {
            return "paging off and on";
        }
    }

    record SetCr4(int value) implements Op {
        public void apply(Lockstep s) {
            s.cpu.setCr4(value);
            s.model.setCr4(value);
        }

        public String toString() {
            return "mov cr4," + ((value & Cr4.PSE) != 0 ? " PSE" : "") + ((value & Cr4.PGE) != 0 ? " PGE" : "");
        }
    }

    record SetCpl(int cpl) implements Op {
        public void apply(Lockstep s) {
            s.cpu.setCpl(cpl);
            s.model.setCpl(cpl);
        }

        public String toString() {
            return "cpl " + cpl;
        }
    }

    // ---- the two sides -------------------------------------------------------------------------

    /** The machine and the model, stepped together, and what the run exercised. */
    static final class Lockstep {
        final CpuContext cpu;
        final PhysicalMemory ram;
        final ReferenceMmu model;
        boolean largePage;
        boolean wpFault;
        boolean rsvdFault;
        boolean staleHit;
        boolean dirtyRewalk;
        boolean psIgnored;
        boolean globalSurvived;

        Lockstep(CpuContext cpu, PhysicalMemory ram, ReferenceMmu model) {
            this.cpu = cpu;
            this.ram = ram;
            this.model = model;
        }

        void store(long physical, int value) {
            ram.write32(physical, value);
            model.write32(physical, value);
        }

        void setCr0(int value) {
            cpu.setCr0(value);
            model.setCr0(value);
        }

        void access(long linear, AccessKind kind) {
            ReferenceMmu.Outcome actual;
            try {
                actual = new ReferenceMmu.Outcome(cpu.translate(linear, kind), 0);
            } catch (PageFaultException e) {
                assertEquals(linear, e.cr2(), "CR2 in the exception");
                actual = new ReferenceMmu.Outcome(-1, e.errorCode());
            }
            assertEquals(modelAccess(linear, kind), actual, "outcome");
        }

        void read32(long linear) {
            ReferenceMmu.Outcome expected = modelAccess(linear, AccessKind.READ);
            Integer value = null;
            int errorCode = 0;
            try {
                value = cpu.read32(linear);
            } catch (PageFaultException e) {
                errorCode = e.errorCode();
            }
            assertEquals(expected.faulted() ? expected.errorCode() : 0, errorCode, "error code");
            assertEquals(expected.faulted() ? null : model.read32(expected.physical()), value, "value read");
        }

        void write32(long linear, int value) {
            ReferenceMmu.Outcome expected = modelAccess(linear, AccessKind.WRITE);
            int errorCode = 0;
            try {
                cpu.write32(linear, value);
            } catch (PageFaultException e) {
                errorCode = e.errorCode();
            }
            assertEquals(expected.faulted() ? expected.errorCode() : 0, errorCode, "error code");
            if (!expected.faulted()) {
                model.write32(expected.physical(), value);
            }
        }

        /** The model's access, noting which rules it exercised. */
        private ReferenceMmu.Outcome modelAccess(long linear, AccessKind kind) {
            ReferenceMmu.Cached before = model.cached(linear);
            ReferenceMmu.Outcome fresh = model.peek(linear);
            int pde = model.read32((model.cr3() & 0xFFFFF000L) + 4 * (linear >>> 22));
            ReferenceMmu.Outcome outcome = model.access(linear, kind);
            boolean paging = (model.cr0() & Cr0.PG) != 0;
            if (paging && !outcome.faulted()) {
                largePage |= model.cached(linear).large();
                if (before != null) {
                    long cachedAddress = before.physicalPage() | (linear & 0xFFF);
                    staleHit |= outcome.physical() == cachedAddress
                            && (fresh.faulted() || fresh.physical() != cachedAddress);
                    dirtyRewalk |= kind.isWrite() && !before.dirty();
                }
            }
            int e = outcome.errorCode();
            wpFault |= outcome.faulted() && kind.isWrite() && model.cpl() < 3 && (e & PageFaultError.P) != 0
                    && (e & PageFaultError.RSVD) == 0;
            rsvdFault |= outcome.faulted() && (e & PageFaultError.RSVD) != 0;
            psIgnored |= paging && before == null && (pde & (Paging.P | Paging.PS)) == (Paging.P | Paging.PS)
                    && (model.cr4() & Cr4.PSE) == 0;
            return outcome;
        }

        /** CR2, the whole TLB and every paging-structure and data word must agree. */
        void compare(Op after) {
            assertEquals(model.cr2(), cpu.cr2(), () -> "CR2 after " + after);
            List<TlbEntry> tlb = new ArrayList<>(cpu.tlbEntries());
            tlb.sort(Comparator.comparingLong(TlbEntry::linearPage));
            assertEquals(model.tlbEntries(), tlb, () -> "TLB after " + after);
            byte[] page = new byte[Paging.PAGE_SIZE];
            for (long[] structures : new long[][] {DIRECTORIES, TABLES}) {
                for (long base : structures) {
                    ram.read(base, page, 0, page.length);
                    ByteBuffer words = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < Paging.ENTRIES_PER_TABLE; i++) {
                        long at = base + 4L * i;
                        int expected = model.read32(at);
                        int actual = words.getInt(4 * i);
                        if (expected != actual) {
                            assertEquals(hex(expected), hex(actual), String.format("word at %08x after %s", at, after));
                        }
                    }
                }
            }
            for (Map.Entry<Long, Integer> word : model.words().entrySet()) {
                assertEquals(hex(word.getValue()), hex(ram.read32(word.getKey())),
                        () -> String.format("word at %08x after %s", word.getKey(), after));
            }
        }

        void report() {
            Statistics.label("4 MiB page translated").collect(largePage);
            Statistics.label("supervisor write refused under WP").collect(wpFault);
            Statistics.label("reserved-bit fault").collect(rsvdFault);
            Statistics.label("stale TLB entry used").collect(staleHit);
            Statistics.label("write through clean entry walked again").collect(dirtyRewalk);
            Statistics.label("PDE.PS ignored without CR4.PSE").collect(psIgnored);
            Statistics.label("global entry survived CR3 load").collect(globalSurvived);
            for (String label : List.of("4 MiB page translated", "supervisor write refused under WP",
                    "reserved-bit fault", "stale TLB entry used", "write through clean entry walked again",
                    "PDE.PS ignored without CR4.PSE", "global entry survived CR3 load")) {
                Statistics.label(label).coverage(c -> c.check(true).percentage(p -> p >= 5.0));
            }
        }

        private static String hex(int value) {
            return String.format("%08x", value);
        }
    }

    // ---- generators ----------------------------------------------------------------------------

    /**
     * A starting state (every pool PDE and PTE written, paging on), then about 20 to 50 steps: single
     * steps mixed with bursts on one page, which make stale entries, clean-entry writes and global
     * entries kept across a CR3 load likely enough to count.
     */
    @Provide
    Arbitrary<List<Op>> runs() {
        Arbitrary<List<Op>> pdes = Combinators.combine(
                pdeValue(0).list().ofSize(2), pdeValue(1).list().ofSize(2), pdeValue(2).list().ofSize(2))
                .as((a, b, c) -> {
                    List<Op> ops = new ArrayList<>();
                    for (int d = 0; d < DIRECTORIES.length; d++) {
                        ops.add(new WritePde(d, 0, a.get(d)));
                        ops.add(new WritePde(d, 1, b.get(d)));
                        ops.add(new WritePde(d, 2, c.get(d)));
                    }
                    return ops;
                });
        int tableEntries = TABLES.length * REGIONS.length * 3;
        Arbitrary<List<Op>> ptes = pteValue().list().ofSize(tableEntries).map(values -> {
            List<Op> ops = new ArrayList<>();
            int v = 0;
            for (int t = 0; t < TABLES.length; t++) {
                for (int[] indices : PAGES) {
                    for (int index : indices) {
                        ops.add(new WritePte(t, index, values.get(v++)));
                    }
                }
            }
            return ops;
        });
        Arbitrary<List<Op>> registers = Combinators.combine(cr4Value(), Arbitraries.of(true, false))
                .as((cr4, wp) -> List.of(new SetCr4(cr4), new LoadCr3(0), new SetWp(wp)));
        Arbitrary<List<Op>> steps = Arbitraries.frequencyOf(Tuple.of(3, step().map(List::of)), Tuple.of(1, burst()))
                .list().ofMinSize(12).ofMaxSize(30)
                .map(groups -> groups.stream().flatMap(List::stream).toList());
        return Combinators.combine(pdes, ptes, registers, steps).as((a, b, c, d) -> {
            List<Op> run = new ArrayList<>(a);
            run.addAll(b);
            run.addAll(c);
            run.addAll(d);
            return run;
        });
    }

    @SuppressWarnings("unchecked")
    static Arbitrary<Op> step() {
        Arbitrary<Integer> value = Arbitraries.integers().map(v -> v & ~Paging.P);
        return Arbitraries.<Op>frequencyOf(
                Tuple.of(10, Combinators.combine(linear(), Arbitraries.of(AccessKind.class)).as(Access::new)),
                Tuple.of(4, aligned().map(Read32::new)),
                Tuple.of(4, Combinators.combine(aligned(), value).as(Write32::new)),
                Tuple.of(3, writePte()),
                Tuple.of(4, poolPage().flatMap(MmuPropertyTest::remap)),
                Tuple.of(2, Combinators.combine(Arbitraries.integers().between(0, DIRECTORIES.length - 1),
                        Arbitraries.integers().between(0, REGIONS.length - 1))
                        .flatAs((d, r) -> pdeValue(r).map(v -> new WritePde(d, r, v)))),
                Tuple.of(3, Arbitraries.oneOf(linear(), anyPageInARegion()).map(Invlpg::new)),
                Tuple.of(3, Arbitraries.integers().between(0, DIRECTORIES.length - 1).map(LoadCr3::new)),
                Tuple.of(2, cr4Value().map(SetCr4::new)),
                Tuple.of(2, Arbitraries.of(true, false).map(SetWp::new)),
                Tuple.of(3, Arbitraries.integers().between(0, 3).map(SetCpl::new)),
                Tuple.of(1, Arbitraries.just(new PagingOffAndOn())));
    }

    /** Two to four steps on one pool page: accesses, remaps, INVLPG, CR3 loads, CPL and WP changes. */
    @SuppressWarnings("unchecked")
    static Arbitrary<List<Op>> burst() {
        return poolPage().flatMap(page -> {
            Arbitrary<Long> word = Arbitraries.integers().between(0, 0x3FF).map(o -> page | 4L * o);
            return Arbitraries.<Op>frequencyOf(
                    Tuple.of(4, Combinators.combine(word, Arbitraries.of(AccessKind.class)).as(Access::new)),
                    Tuple.of(2, word.map(Read32::new)),
                    Tuple.of(2, Combinators.combine(word, Arbitraries.integers().map(v -> v & ~Paging.P))
                            .as(Write32::new)),
                    Tuple.of(2, remap(page)),
                    Tuple.of(1, Arbitraries.just(new Invlpg(page))),
                    Tuple.of(2, Arbitraries.integers().between(0, DIRECTORIES.length - 1).map(LoadCr3::new)),
                    Tuple.of(2, Arbitraries.integers().between(0, 3).map(SetCpl::new)),
                    Tuple.of(1, Arbitraries.of(true, false).map(SetWp::new)))
                    .list().ofMinSize(2).ofMaxSize(4);
        });
    }

    /** A new PTE or PDE for the entry that maps a pool page (see {@link Remap}). */
    static Arbitrary<Op> remap(long page) {
        int region = 0;
        while (REGIONS[region] != (int) (page >>> 22)) {
            region++;
        }
        return Combinators.combine(pteValue(), pdeValue(region)).as((pte, pde) -> new Remap(page, pte, pde));
    }

    /** A PTE write, usually into the table that the region's PDEs usually name. */
    static Arbitrary<Op> writePte() {
        return Combinators.combine(Arbitraries.integers().between(0, REGIONS.length - 1),
                Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, TABLES.length - 1), pteValue())
                .as((r, k, choice, other, v) -> new WritePte(choice == 0 ? other : r, PAGES[r][k], v));
    }

    /** Not present, a page-table pointer (usually to the region's table), or a 4 MiB page. */
    @SuppressWarnings("unchecked")
    static Arbitrary<Integer> pdeValue(int region) {
        Arbitrary<Integer> flags = flags(FLAGS);
        Arbitrary<Integer> table = Arbitraries.frequency(Tuple.of(4, region),
                Tuple.of(1, (region + 1) % TABLES.length), Tuple.of(1, (region + 2) % TABLES.length));
        Arbitrary<Integer> reserved = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(0)),
                Tuple.of(1, Arbitraries.integers().between(13, 21).map(bit -> 1 << bit)));
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.integers().map(v -> v & ~Paging.P)),
                Tuple.of(4, Combinators.combine(table, flags).as((t, f) -> (int) TABLES[t] | f | Paging.P)),
                Tuple.of(3, Combinators.combine(Arbitraries.of(LARGE_FRAMES[0], LARGE_FRAMES[1]), flags, reserved,
                        Arbitraries.of(0, Paging.PDE_4M_PAT))
                        .as((frame, f, rsvd, pat) -> (int) (long) frame | f | rsvd | pat | Paging.PS | Paging.P)));
    }

    /** Not present (any other bits), or a frame from the pool with random flags, PAT included. */
    @SuppressWarnings("unchecked")
    static Arbitrary<Integer> pteValue() {
        Arbitrary<Integer> flags = flags(FLAGS | Paging.PTE_PAT);
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.integers().map(v -> v & ~Paging.P)),
                Tuple.of(6, Combinators.combine(Arbitraries.of(0, 1, 2, 3, 4), flags)
                        .as((i, f) -> (int) FRAMES[i] | f | Paging.P)));
    }

    /** Any of the allowed bits, each one time in two, but R/W and U/S three times in four. */
    static Arbitrary<Integer> flags(int allowed) {
        return Combinators.combine(Arbitraries.integers().between(0, 0xFFF), Arbitraries.integers().between(0, 0xFFF))
                .as((f, more) -> (f | (more & (Paging.RW | Paging.US))) & allowed);
    }

    @SuppressWarnings("unchecked")
    static Arbitrary<Integer> cr4Value() {
        return Arbitraries.frequency(Tuple.of(1, 0), Tuple.of(2, Cr4.PSE), Tuple.of(2, Cr4.PGE),
                Tuple.of(4, Cr4.PSE | Cr4.PGE));
    }

    static Arbitrary<Long> poolPage() {
        List<Long> pages = new ArrayList<>();
        for (int r = 0; r < REGIONS.length; r++) {
            for (int index : PAGES[r]) {
                pages.add(((long) REGIONS[r] << 22) | ((long) index << 12));
            }
        }
        return Arbitraries.of(pages);
    }

    /** A pool address at any byte offset. */
    static Arbitrary<Long> linear() {
        return Combinators.combine(poolPage(), Arbitraries.integers().between(0, 0xFFF)).as((p, o) -> p | o);
    }

    /** A pool address of a 4-byte word that does not cross its page. */
    static Arbitrary<Long> aligned() {
        return Combinators.combine(poolPage(), Arbitraries.integers().between(0, 0x3FF)).as((p, o) -> p | 4L * o);
    }

    /** Any page of a region, so an INVLPG may name a piece of a large page that is not cached. */
    static Arbitrary<Long> anyPageInARegion() {
        return Combinators.combine(Arbitraries.of(REGIONS[0], REGIONS[1], REGIONS[2]),
                Arbitraries.integers().between(0, 0x3FFFFF)).as((r, o) -> ((long) r << 22) | o);
    }
}
