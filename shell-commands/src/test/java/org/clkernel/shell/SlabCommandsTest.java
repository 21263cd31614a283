package org.clkernel.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.clkernel.api.paging.KernelLayout;
import org.clkernel.api.slab.SlabCacheStats;
import org.clkernel.machine.EmulatedMachine;
import org.clkernel.physical.BuddyFrameAllocator;
import org.clkernel.slab.SlabService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** slab: commands on a real machine, frame allocator and slab allocator. */
class SlabCommandsTest {
    private static final String ADDRESS = "0xc[0-9a-f]{7}";

    private final EmulatedMachine machine = new EmulatedMachine(32);
    private final BuddyFrameAllocator frames = new BuddyFrameAllocator(machine);
    private final SlabCommands slab = new SlabCommands();
    private SlabService service;

    @RegisterExtension
    final ErrorStream err = new ErrorStream();

    @BeforeEach
    void wire() {
        service = new SlabService(machine, frames);
        slab.slab = service;
    }

    /** The address at the start of a line that slab:alloc printed. */
    private String alloc(String cache) {
        String out = (String) slab.alloc(cache);
        assertTrue(out.matches(ADDRESS + ": \\d+-byte object of " + cache), out);
        return out.substring(0, 10);
    }

    private static long value(String address) {
        return Long.parseLong(address.substring(2), 16);
    }

    @Test
    void infoHasTheLayoutOfProcSlabinfoWithOneRowPerCache() {
        alloc("kmalloc-64");
        List<String> lines = ((String) slab.info()).lines().toList();
        assertEquals("slabinfo - version: 2.1", lines.get(0));
        assertEquals("# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
                + " : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>",
                lines.get(1));
        assertEquals(2 + service.caches().size(), lines.size());
        assertEquals(11, service.caches().size(), "kmalloc-8 to kmalloc-8192");
        assertTrue(lines.get(2).startsWith("kmalloc-8 "), lines.get(2));
        SlabCacheStats s = service.cache("kmalloc-64").orElseThrow().stats();
        String row = String.format("kmalloc-64        %6d %6d %6d %4d %4d : tunables    0    0    0 : slabdata %6d %6d      0",
                1, s.numObjs(), 64, s.objPerSlab(), s.pagesPerSlab(), 1, 1);
        assertTrue(lines.contains(row), row + " in\n" + String.join("\n", lines));
        assertTrue(lines.stream().skip(2).allMatch(l -> l.matches(
                "\\S+ +\\d+ +\\d+ +\\d+ +\\d+ +\\d+ : tunables +0 +0 +0 : slabdata +\\d+ +\\d+ +0")), lines.toString());
    }

    @Test
    void createAllocFreeAndCheckThroughTheCommands() {
        String created = (String) slab.create("8", "it-objects", "200");
        SlabCacheStats s = service.cache("it-objects").orElseThrow().stats();
        assertEquals(String.format("created it-objects: 200-byte objects aligned to 8, %d per slab of %d frame%s",
                s.objPerSlab(), s.pagesPerSlab(), s.pagesPerSlab() == 1 ? "" : "s"), created);
        String address = alloc("it-objects");
        assertEquals(1, service.cache("it-objects").orElseThrow().stats().activeObjs());
        assertTrue(((String) slab.info()).lines().anyMatch(l -> l.matches("it-objects +1 +\\d+ +200 .*slabdata +1 +1 +0")));
        assertEquals("freed " + address + " (it-objects)", slab.free(address));
        assertEquals(0, service.cache("it-objects").orElseThrow().stats().activeObjs());
        assertEquals("slab allocator: ok", ((String) slab.check()).replaceAll(" \\(\\d+ checked\\)", ""));
        assertEquals("", err.text());
    }

    @Test
    void anAlignedCacheHandsOutAlignedObjects() {
        assertTrue(((String) slab.create("256", "aligned", "100")).startsWith("created aligned: 100-byte objects aligned to 256, "));
        for (int i = 0; i < 5; i++) {
            long a = value(alloc("aligned"));
            assertEquals(0, a % 256, Long.toHexString(a));
        }
    }

    @Test
    void freeFindsTheCacheOfTheAddress() {
        String small = alloc("kmalloc-8");
        String large = alloc("kmalloc-4096");
        assertEquals("freed " + large + " (kmalloc-4096)", slab.free(large));
        assertEquals("freed " + small + " (kmalloc-8)", slab.free(small));
    }

    @Test
    void reapGivesBackTheFramesOfEmptySlabs() {
        slab.create("8", "reaped", "1000");
        int pages = service.cache("reaped").orElseThrow().stats().pagesPerSlab();
        slab.free(alloc("reaped"));
        assertEquals("gave back " + pages + (pages == 1 ? " frame" : " frames"), slab.reap());
        assertEquals("gave back 0 frames", slab.reap());
        assertEquals(0, service.cache("reaped").orElseThrow().stats().numSlabs());
    }

    @Test
    void badInputAndRefusedOperationsAreOneLineEach() {
        assertNull(slab.alloc("nope"));
        assertNull(slab.create("8", "kmalloc-64", "64"));
        assertNull(slab.create("8", "zero", "0"));
        assertNull(slab.create("3", "odd", "64"));
        assertNull(slab.create("8", "has space", "64"));
        assertNull(slab.free("0xc0000000"));
        assertNull(slab.free("0x123"));
        assertNull(slab.free("soon"));
        assertEquals(List.of(
                "slab:alloc: no cache named 'nope'",
                "slab:create: a cache named kmalloc-64 exists already",
                "slab:create: size '0' is outside 1..0x10000",
                "slab:create: cache odd: the alignment must be a power of two from 1 to 4096, not 3",
                "slab:create: a cache name must be printable ASCII without spaces: has space",
                "slab:free: 0xc0000000 is in no slab",
                "slab:free: 0x00000123 is in no slab",
                "slab:free: address 'soon' is not a number (use 0x-prefixed hex or decimal)"),
                err.text().lines().toList());
        assertEquals(11, service.caches().size(), "no cache was created");
    }

    @Test
    void aDoubleFreeAndAFreeInsideAnObjectAreRefusedInOneLine() {
        String address = alloc("kmalloc-64");
        String other = alloc("kmalloc-64");
        slab.free(address);
        assertNull(slab.free(address));
        assertNull(slab.free(Args.hex32(value(other) + 8)));
        List<String> lines = err.text().lines().toList();
        assertEquals(2, lines.size(), err.text());
        assertEquals("slab:free: free of " + address + " in cache kmalloc-64: the object is already free (a double free)",
                lines.get(0));
        assertTrue(lines.get(1).startsWith("slab:free: free of " + Args.hex32(value(other) + 8)
                + " in cache kmalloc-64: not the start of an object"), lines.get(1));
        assertEquals(1, service.cache("kmalloc-64").orElseThrow().stats().activeObjs());
        assertTrue(((String) slab.check()).startsWith("slab allocator: ok"));
    }

    @Test
    void checkListsAWriteAfterFreeAndReportsABrokenRedZoneOnTheErrorStream() {
        long a = value(alloc("kmalloc-32"));
        slab.free(Args.hex32(a));
        machine.physical().write8(a - KernelLayout.DIRECT_MAP + 3, 0x41);
        assertEquals(a, value(alloc("kmalloc-32")), "the last freed object comes back first");
        List<String> out = ((String) slab.check()).lines().toList();
        assertEquals(2, out.size(), out.toString());
        assertEquals(String.format("cache kmalloc-32: object 0x%x was written after free: byte +3 is 0x41, not 0x6b", a),
                out.get(0));
        assertTrue(out.get(1).startsWith("slab allocator: ok"), out.get(1));

        machine.physical().write8(a - KernelLayout.DIRECT_MAP + 32, 0);
        assertNull(slab.check());
        List<String> lines = err.text().lines().toList();
        assertEquals(2, lines.size(), err.text());
        assertEquals(out.get(0), lines.get(0));
        assertTrue(lines.get(1).startsWith("slab allocator: BROKEN: "), lines.get(1));
    }

    @Test
    void aWrongNumberOfArgumentsPrintsTheUsage() {
        assertNull(slab.info("x"));
        assertNull(slab.create("only-a-name"));
        assertNull(slab.alloc());
        assertNull(slab.free("0xc0000000", "extra"));
        assertNull(slab.reap("x"));
        assertNull(slab.check("x"));
        assertEquals(List.of(
                "slab:info: usage: slab:info  (help slab:info describes it)",
                "slab:create: usage: slab:create [--align N] NAME SIZE  (help slab:create describes it)",
                "slab:alloc: usage: slab:alloc NAME  (help slab:alloc describes it)",
                "slab:free: usage: slab:free ADDR  (help slab:free describes it)",
                "slab:reap: usage: slab:reap  (help slab:reap describes it)",
                "slab:check: usage: slab:check  (help slab:check describes it)"),
                err.text().lines().toList());
    }

    @Test
    void memCheckWalksTheSlabCachesToo() {
        MemCommands mem = new MemCommands();
        mem.machine = machine;
        mem.slab = service;
        String report = (String) mem.check();
        assertTrue(report.lines().anyMatch(l -> l.startsWith("slab") && l.contains(": ok")), report);
    }
}
