package org.clkernel.physical;

import static org.clkernel.api.x86.Multiboot.FLAG_MEM;
import static org.clkernel.api.x86.Multiboot.FLAG_MMAP;
import static org.clkernel.api.x86.Multiboot.MMAP_ENTRY_SIZE_FIELD;
import static org.clkernel.api.x86.Multiboot.MMAP_OFF_BASE;
import static org.clkernel.api.x86.Multiboot.MMAP_OFF_LENGTH;
import static org.clkernel.api.x86.Multiboot.MMAP_OFF_TYPE;
import static org.clkernel.api.x86.Multiboot.OFF_FLAGS;
import static org.clkernel.api.x86.Multiboot.OFF_MEM_LOWER;
import static org.clkernel.api.x86.Multiboot.OFF_MEM_UPPER;
import static org.clkernel.api.x86.Multiboot.OFF_MMAP_ADDR;
import static org.clkernel.api.x86.Multiboot.OFF_MMAP_LENGTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.physical.DetectedRegion;
import org.clkernel.machine.EmulatedMachine;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Feeds {@link MemoryDetector} Multiboot memory maps a careless or hostile firmware could leave:
 * empty entries, entries above or across 4 GiB, usable entries overlapping reserved ones, ranges
 * that are not page aligned, size fields below 20, truncated or overlong maps. Whatever the map,
 * the usable regions are whole pages, sorted and apart, hold no byte of an entry that is not
 * usable, and are exactly the whole pages the usable entries cover and no other entry touches;
 * every entry dropped or clipped is named in the report.
 *
 * <p>Entries after the one that ends the walk (a size field below 20, a map cut inside an entry,
 * the 129th entry) cannot be located or are not believed; the detector and the reference reading
 * both ignore them, and the report says so.
 */
class MemoryDetectorPropertiesTest {
    static final long FOUR_GIB = 1L << 32;
    static final long PAGE = 4096;
    /** Where the test maps go: conventional memory, unused by the firmware's own tables. */
    static final long MMAP_AT = 0x20000L;
    static final int USABLE = 1;
    static final int MAX_ENTRIES = 128;

    /** One mmap entry as written; {@code size} is the raw size field. */
    record Entry(int size, long base, long length, int type) {
        static Entry usable(long base, long length) {
            return new Entry(MMAP_ENTRY_SIZE_FIELD, base, length, USABLE);
        }

        static Entry reserved(long base, long length) {
            return new Entry(MMAP_ENTRY_SIZE_FIELD, base, length, 2);
        }

        /** Bytes the entry takes in the map: the size field counts the bytes after itself. */
        int stride() {
            return size >= MMAP_ENTRY_SIZE_FIELD ? size + 4 : 24;
        }
    }

    /** A map and the mmap_length the information structure gives for it. */
    record MemoryMap(List<Entry> entries, long mmapLength) {
        static MemoryMap exact(List<Entry> entries) {
            return new MemoryMap(entries, entries.stream().mapToLong(Entry::stride).sum());
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder("mmap_length " + mmapLength + ":");
            for (Entry e : entries) {
                s.append(String.format("%n  size %d base 0x%x length 0x%x type %d", e.size(), e.base(), e.length(), e.type()));
            }
            return s.toString();
        }
    }

    record Range(long start, long end) {
        boolean intersects(Range o) {
            return start < o.end && o.start < end;
        }
    }

    // ---- properties ----------------------------------------------------------------------------

    @Property(tries = 600, edgeCases = EdgeCasesMode.NONE)
    void usableRegionsAreExactlyTheTrustworthyWholePages(@ForAll("maps") MemoryMap map) {
        Detection d = detect(map);
        Reading r = new Reading(map);

        long previousEnd = -1;
        for (DetectedRegion region : d.regions) {
            String what = region + " of " + d.regions;
            assertTrue(region.length() > 0, what + " is empty");
            assertEquals(0, region.base() % PAGE, what + " starts inside a page");
            assertEquals(0, region.length() % PAGE, what + " ends inside a page");
            assertTrue(region.base() > previousEnd, what + " is out of order, overlaps or touches the one before");
            assertTrue(region.end() <= FOUR_GIB, what + " reaches past 4 GiB");
            previousEnd = region.end();
            Range range = new Range(region.base(), region.end());
            for (Range other : r.other) {
                assertTrue(!range.intersects(other), what + " includes bytes of the non-usable entry " + other);
            }
            assertTrue(r.usable().stream().anyMatch(u -> u.start() <= range.start() && range.end() <= u.end()),
                    what + " is not covered by usable entries");
        }
        assertEquals(r.expectedRegions(), d.regions, "the whole pages inside usable entries and outside all others");

        Statistics.label("regions found").collect(d.regions.isEmpty() ? "none" : d.regions.size() < 3 ? "1-2" : "3+");
        Statistics.label("usable overlaps other").collect(r.overlapped);
        Statistics.label("walk ended early").collect(r.truncated ? "more than 128" : r.badSize >= 0 ? "bad size" : "no");
    }

    @Property(tries = 600, edgeCases = EdgeCasesMode.NONE)
    void everyDroppedOrClippedEntryIsReported(@ForAll("maps") MemoryMap map) {
        Detection d = detect(map);
        Reading r = new Reading(map);
        for (int i = 0; i < r.fate.size(); i++) {
            switch (r.fate.get(i)) {
                case EMPTY, ABOVE -> assertLine(d, "mmap entry " + i + " ", "ignored");
                case CLIPPED -> assertLine(d, "mmap entry " + i + " (", "clipped");
                default -> {
                }
            }
        }
        if (r.badSize >= 0) {
            assertLine(d, "mmap entry " + r.badSize + " at ", "the rest are ignored");
        }
        if (r.truncated) {
            assertLine(d, "mmap has more than " + MAX_ENTRIES + " entries", "ignored");
        }
        for (Range u : r.usableEntries) {
            if (r.other.stream().anyMatch(u::intersects)) {
                assertTrue(d.namedRanges("overlaps").stream().anyMatch(u::intersects),
                        "no overlap line for usable entry " + u + ":\n" + d.report);
            }
        }
        for (Range piece : r.trusted) {
            if (pageDown(piece.end()) <= pageUp(piece.start())) {
                assertTrue(d.namedRanges("holds no whole page").stream().anyMatch(piece::intersects),
                        "no line for the usable bytes " + piece + " that hold no whole page:\n" + d.report);
            }
        }
        if (r.clean()) {
            assertEquals(List.of(), d.report, "a sound map gives no findings");
        }
    }

    // ---- examples: one corruption each ---------------------------------------------------------

    @Example
    void anEmptyEntryIsDroppedAndReported() {
        Detection d = detect(MemoryMap.exact(List.of(Entry.usable(0x100000, 0), Entry.usable(0x200000, 0x100000))));
        assertEquals(List.of(new DetectedRegion(0x200000, 0x100000)), d.regions);
        assertEquals(List.of("mmap entry 0 is empty: ignored"), d.report);
    }

    @Example
    void anEntryAboveFourGibIsDroppedAndReported() {
        Detection d = detect(MemoryMap.exact(List.of(Entry.usable(FOUR_GIB, 0x100000), Entry.usable(0x100000, 0x1000))));
        assertEquals(List.of(new DetectedRegion(0x100000, 0x1000)), d.regions);
        assertEquals(List.of("mmap entry 0 at 0x100000000 is above 4 GiB: ignored"), d.report);
    }

    @Example
    void anEntryRunningPastFourGibIsClippedThere() {
        Detection d = detect(MemoryMap.exact(List.of(Entry.usable(0xFFF00000L, 0x200000), Entry.usable(0x1000, -1L))));
        assertEquals(List.of(new DetectedRegion(0x1000, FOUR_GIB - 0x1000)), d.regions);
        assertEquals(List.of("mmap entry 0 (0xfff00000 + 0x200000) runs past 4 GiB: clipped",
                "mmap entry 1 (0x1000 + 0xffffffffffffffff) runs past 4 GiB: clipped"), d.report);
    }

    @Example
    void reservedBytesWinOverAnOverlappingUsableEntry() {
        Detection d = detect(MemoryMap.exact(List.of(Entry.usable(0x100000, 0x400000), Entry.reserved(0x2FF800, 0x1000))));
        assertEquals(List.of(new DetectedRegion(0x100000, 0x1FF000), new DetectedRegion(0x301000, 0x1FF000)), d.regions);
        assertEquals(List.of("usable 0x100000-0x4fffff overlaps a reserved range 0x2ff800-0x3007ff: the overlap is not used"), d.report);
    }

    @Example
    void usableEntriesShrinkToWholePages() {
        Detection d = detect(MemoryMap.exact(List.of(Entry.usable(0x1234, 0x5000), Entry.usable(0x9000, 0x0FFF))));
        assertEquals(List.of(new DetectedRegion(0x2000, 0x4000)), d.regions);
        assertEquals(List.of("usable 0x9000-0x9ffe holds no whole page: ignored"), d.report);
    }

    @Example
    void adjacentUsableEntriesSplitInsideAPageKeepThatPage() {
        Detection d = detect(MemoryMap.exact(List.of(Entry.usable(0x100000, 0x800), Entry.usable(0x100800, 0x1800))));
        assertEquals(List.of(new DetectedRegion(0x100000, 0x2000)), d.regions);
        assertEquals(List.of(), d.report);
    }

    @Example
    void aSizeFieldBelowTwentyEndsTheWalk() {
        Detection d = detect(MemoryMap.exact(List.of(Entry.usable(0x100000, 0x1000),
                new Entry(12, 0x200000, 0x1000, USABLE), Entry.usable(0x300000, 0x1000))));
        assertEquals(List.of(new DetectedRegion(0x100000, 0x1000)), d.regions);
        assertEquals(List.of("mmap entry 1 at 0x20018 has size 12: it and the rest are ignored"), d.report);
    }

    @Example
    void aMapCutInsideAnEntryEndsTheWalkThere() {
        List<Entry> entries = List.of(Entry.usable(0x100000, 0x1000), Entry.usable(0x200000, 0x1000));
        Detection d = detect(new MemoryMap(entries, 24 + 20));
        assertEquals(List.of(new DetectedRegion(0x100000, 0x1000)), d.regions);
        assertEquals(List.of("mmap entry 1 at 0x20018 has size 20: it and the rest are ignored"), d.report);
    }

    @Example
    void moreThan128EntriesAreCutAt128() {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < MAX_ENTRIES + 2; i++) {
            entries.add(Entry.usable(0x100000 + i * 0x2000L, 0x1000));
        }
        Detection d = detect(MemoryMap.exact(entries));
        assertEquals(MAX_ENTRIES, d.regions.size());
        assertEquals(new DetectedRegion(0x100000 + (MAX_ENTRIES - 1) * 0x2000L, 0x1000), d.regions.get(MAX_ENTRIES - 1));
        assertEquals(List.of("mmap has more than 128 entries: the rest is ignored"), d.report);
    }

    @Example
    void anMmapPastFourGibIsIgnored() {
        EmulatedMachine machine = new EmulatedMachine(32);
        PhysicalMemory ram = machine.physical();
        ram.write32(machine.multibootInfo() + OFF_MMAP_ADDR, 0xFFFFFF00);
        ram.write32(machine.multibootInfo() + OFF_MMAP_LENGTH, 0x200);
        MemoryDetector d = new MemoryDetector(ram, machine.multibootInfo());
        assertEquals(List.of(), d.usable);
        assertEquals(List.of("mmap runs past 4 GiB: ignored"), d.report);
    }

    @Example
    void withoutAnMmapTheMemFieldsAreUsed() {
        EmulatedMachine machine = new EmulatedMachine(32);
        PhysicalMemory ram = machine.physical();
        long info = machine.multibootInfo();
        ram.write32(info + OFF_FLAGS, FLAG_MEM);
        ram.write32(info + OFF_MEM_LOWER, 639);
        ram.write32(info + OFF_MEM_UPPER, 31 * 1024);
        MemoryDetector d = new MemoryDetector(ram, info);
        assertEquals(List.of(new DetectedRegion(0, 0x9F000), new DetectedRegion(0x100000, 31L << 20)), d.usable);
        assertEquals(List.of("no memory map (flags bit 6 clear): using mem_lower/mem_upper"), d.report);
    }

    // ---- running the detector ------------------------------------------------------------------

    record Detection(List<DetectedRegion> regions, List<String> report) {
        private static final Pattern NAMED = Pattern.compile("usable 0x([0-9a-f]+)-0x([0-9a-f]+) ");

        /** The usable ranges named by report lines containing the phrase. */
        List<Range> namedRanges(String phrase) {
            List<Range> ranges = new ArrayList<>();
            for (String line : report) {
                Matcher m = NAMED.matcher(line);
                if (line.contains(phrase) && m.find()) {
                    ranges.add(new Range(Long.parseLong(m.group(1), 16), Long.parseLong(m.group(2), 16) + 1));
                }
            }
            return ranges;
        }
    }

    /** Writes the map at {@link #MMAP_AT} of a fresh machine and points the Multiboot info at it. */
    static Detection detect(MemoryMap map) {
        EmulatedMachine machine = new EmulatedMachine(32);
        PhysicalMemory ram = machine.physical();
        long info = machine.multibootInfo();
        long at = MMAP_AT;
        for (Entry e : map.entries()) {
            ram.write32(at, e.size());
            ram.write64(at + MMAP_OFF_BASE, e.base());
            ram.write64(at + MMAP_OFF_LENGTH, e.length());
            ram.write32(at + MMAP_OFF_TYPE, e.type());
            for (long pad = at + 24; pad < at + e.stride(); pad++) {
                ram.write8(pad, 0xA5); // vendor extension bytes after the type
            }
            at += e.stride();
        }
        ram.write32(info + OFF_FLAGS, ram.read32(info + OFF_FLAGS) | FLAG_MMAP);
        ram.write32(info + OFF_MMAP_ADDR, (int) MMAP_AT);
        ram.write32(info + OFF_MMAP_LENGTH, (int) map.mmapLength());
        MemoryDetector d = new MemoryDetector(ram, info);
        return new Detection(List.copyOf(d.usable), List.copyOf(d.report));
    }

    static void assertLine(Detection d, String start, String phrase) {
        assertTrue(d.report.stream().anyMatch(l -> l.startsWith(start) && l.contains(phrase)),
                "no line starting '" + start + "' and saying '" + phrase + "' in:\n" + String.join("\n", d.report));
    }

    static long pageUp(long a) {
        return (a + PAGE - 1) & -PAGE;
    }

    static long pageDown(long a) {
        return a & -PAGE;
    }

    // ---- the reference reading -----------------------------------------------------------------

    enum Fate { USED, EMPTY, ABOVE, CLIPPED }

    /**
     * The map as the Multiboot specification and the detector's documented rules read it, done the
     * plain way: walk the entries, classify each, then take whole pages of (union of usable) minus
     * (union of the rest).
     */
    static final class Reading {
        final List<Fate> fate = new ArrayList<>();
        final List<Range> usableEntries = new ArrayList<>();
        final List<Range> other = new ArrayList<>();
        /** The entry whose size field ended the walk, or -1. */
        int badSize = -1;
        boolean truncated;
        boolean overlapped;
        /** Usable bytes no other entry touches, as maximal ranges. */
        final List<Range> trusted;

        Reading(MemoryMap map) {
            long addr = MMAP_AT;
            long end = MMAP_AT + map.mmapLength();
            for (int i = 0; addr < end; i++) {
                if (i == MAX_ENTRIES) {
                    truncated = true;
                    break;
                }
                int size = i < map.entries().size() ? map.entries().get(i).size() : 0; // unwritten RAM reads 0
                if (size < MMAP_ENTRY_SIZE_FIELD || addr + size + 4 > end) {
                    badSize = i;
                    break;
                }
                Entry e = map.entries().get(i);
                addr += size + 4L;
                long last = e.base() + e.length();
                Range range;
                if (e.length() == 0) {
                    fate.add(Fate.EMPTY);
                    continue;
                } else if (e.base() < 0 || e.base() >= FOUR_GIB) {
                    fate.add(Fate.ABOVE);
                    continue;
                } else if (e.length() < 0 || last < e.base() || last > FOUR_GIB) {
                    fate.add(Fate.CLIPPED);
                    range = new Range(e.base(), FOUR_GIB);
                } else {
                    fate.add(Fate.USED);
                    range = new Range(e.base(), last);
                }
                (e.type() == USABLE ? usableEntries : other).add(range);
            }
            overlapped = usableEntries.stream().anyMatch(u -> other.stream().anyMatch(u::intersects));
            trusted = subtract(union(usableEntries), union(other));
        }

        List<Range> usable() {
            return union(usableEntries);
        }

        List<DetectedRegion> expectedRegions() {
            List<DetectedRegion> regions = new ArrayList<>();
            for (Range r : trusted) {
                long s = pageUp(r.start());
                long e = pageDown(r.end());
                if (e > s) {
                    regions.add(new DetectedRegion(s, e - s));
                }
            }
            return regions;
        }

        /** Nothing to report: every entry read and used, no overlap, every usable piece a whole page. */
        boolean clean() {
            return !truncated && badSize < 0 && fate.stream().allMatch(f -> f == Fate.USED) && !overlapped
                    && trusted.stream().allMatch(r -> pageDown(r.end()) > pageUp(r.start()));
        }

        static List<Range> union(List<Range> ranges) {
            List<Range> sorted = new ArrayList<>(ranges);
            sorted.sort(Comparator.comparingLong(Range::start));
            List<Range> merged = new ArrayList<>();
            for (Range r : sorted) {
                Range last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
                if (last != null && r.start() <= last.end()) {
                    merged.set(merged.size() - 1, new Range(last.start(), Math.max(last.end(), r.end())));
                } else {
                    merged.add(r);
                }
            }
            return merged;
        }

        /** a - b, both sorted and disjoint. */
        static List<Range> subtract(List<Range> a, List<Range> b) {
            List<Range> out = new ArrayList<>();
            for (Range r : a) {
                long start = r.start();
                for (Range cut : b) {
                    if (cut.end() <= start || cut.start() >= r.end()) {
                        continue;
                    }
                    if (cut.start() > start) {
                        out.add(new Range(start, cut.start()));
                    }
                    start = Math.max(start, cut.end());
                }
                if (start < r.end()) {
                    out.add(new Range(start, r.end()));
                }
            }
            return out;
        }
    }

    // ---- generators ----------------------------------------------------------------------------

    @Provide
    Arbitrary<MemoryMap> maps() {
        Arbitrary<Integer> soundSize = Arbitraries.frequencyOf(
                Tuple.of(20, Arbitraries.just(MMAP_ENTRY_SIZE_FIELD)),
                Tuple.of(1, Arbitraries.of(24, 28)));
        Arbitrary<Integer> size = Arbitraries.frequencyOf(
                Tuple.of(60, soundSize),
                Tuple.of(1, Arbitraries.of(-1, 0, 4, 19)));
        Arbitrary<Long> pageBase = Arbitraries.longs().between(0, 0x800).map(p -> p * PAGE);
        Arbitrary<Long> base = Arbitraries.frequencyOf(
                Tuple.of(6, pageBase),
                Tuple.of(3, Arbitraries.longs().between(0, 0x800000)),
                Tuple.of(1, Arbitraries.longs().between(FOUR_GIB - 0x10000, FOUR_GIB - 1)),
                Tuple.of(1, Arbitraries.of(FOUR_GIB, FOUR_GIB + 0x1000, Long.MIN_VALUE, -PAGE)));
        Arbitrary<Long> length = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.longs().between(1, 0x200).map(p -> p * PAGE)),
                Tuple.of(3, Arbitraries.longs().between(1, 0x5000)),
                Tuple.of(1, Arbitraries.of(0L, FOUR_GIB, -1L, Long.MAX_VALUE, 0x800L)));
        Arbitrary<Integer> type = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(USABLE)),
                Tuple.of(3, Arbitraries.of(2, 3, 4, 5)),
                Tuple.of(1, Arbitraries.of(0, 7, -1)));
        // "follows" places the entry right after the previous one, as firmware maps are laid out
        Arbitrary<Boolean> follows = Arbitraries.of(true, false, false);
        Arbitrary<List<Tuple.Tuple5<Integer, Long, Long, Integer, Boolean>>> lists = Arbitraries.frequencyOf(
                Tuple.of(9, Combinators.combine(size, base, length, type, follows).as(Tuple::of)
                        .list().ofMinSize(0).ofMaxSize(12)),
                Tuple.of(1, Combinators.combine(soundSize, base, length, type, follows).as(Tuple::of)
                        .list().ofMinSize(MAX_ENTRIES - 2).ofMaxSize(MAX_ENTRIES + 6)));
        Arbitrary<Integer> lengthError = Arbitraries.frequencyOf(
                Tuple.of(16, Arbitraries.just(0)),
                Tuple.of(1, Arbitraries.integers().between(-30, -1)),
                Tuple.of(1, Arbitraries.integers().between(1, 60)));
        return Combinators.combine(lists, lengthError).as((tuples, error) -> {
            List<Entry> entries = new ArrayList<>();
            for (Tuple.Tuple5<Integer, Long, Long, Integer, Boolean> t : tuples) {
                Entry previous = entries.isEmpty() ? null : entries.get(entries.size() - 1);
                long b = t.get5() && previous != null ? previous.base() + previous.length() : t.get2();
                entries.add(new Entry(t.get1(), b, t.get3(), t.get4()));
            }
            long exact = entries.stream().mapToLong(Entry::stride).sum();
            return new MemoryMap(entries, Math.max(0, exact + error));
        });
    }
}
