package org.clkernel.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.physical.Zone;
import org.clkernel.api.physical.ZoneStats;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/**
 * The frame allocator through a real Gogo session, on the default 128 MiB machine: mem:buddyinfo in
 * the layout of Linux's /proc/buddyinfo, mem:alloc and mem:free seen in it, mem:check. Every test
 * frees what it allocated, so each starts from the same free lists.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BuddyinfoIT {
    /** One count: {@code %6d} and a space, as mm/vmstat.c prints it. */
    private static final String COUNT = "( {5}\\d| {4}\\d{2}| {3}\\d{3}| {2}\\d{4}| \\d{5}|\\d{6}) ";
    /** {@code Node 0, zone %8s } and one count per order 0..10. */
    private static final Pattern LINE = Pattern.compile(
            "Node 0, zone ( {5}DMA|  Normal) " + COUNT.repeat(FrameAllocator.MAX_ORDER + 1));
    private static final Pattern ALLOCATED = Pattern.compile("^pfn 0x([0-9a-f]+) order (\\d+): ");

    @Inject
    BundleContext context;

    @Inject
    CommandProcessor processor;

    @Inject
    FrameAllocator frames;

    private ShellSession shell;
    private final List<Long> allocated = new ArrayList<>();

    @Configuration
    public Option[] configuration() {
        return RuntimeBundles.options();
    }

    @Before
    public void openSession() throws Exception {
        ShellSession.awaitCommand(context, "mem", "buddyinfo");
        ShellSession.awaitCommand(context, "mem", "check");
        shell = new ShellSession(processor);
    }

    @After
    public void freeWhatTheTestAllocated() {
        shell.close();
        for (long pfn : allocated) {
            FrameAllocator.Block b = frames.block(pfn);
            if (b != null) {
                frames.free(pfn, b.order(), b.owner());
            }
        }
    }

    @Test
    public void buddyinfoPrintsOneProcBuddyinfoLinePerZone() throws Exception {
        ShellSession.Output o = shell.ok("mem:buddyinfo");
        List<String> lines = o.outLines();
        assertEquals(o.toString(), 2, lines.size());
        for (int i = 0; i < 2; i++) {
            assertTrue("/" + LINE + "/ does not match '" + lines.get(i) + "'", LINE.matcher(lines.get(i)).matches());
        }
        assertTrue(lines.get(0), lines.get(0).startsWith("Node 0, zone      DMA "));
        assertTrue(lines.get(1), lines.get(1).startsWith("Node 0, zone   Normal "));
        long[][] shown = buddyinfo();
        for (ZoneStats z : frames.zones()) {
            assertArrayEquals("free blocks per order in " + z.zone(), z.freeBlocks(), shown[z.zone().ordinal()]);
        }
    }

    @Test
    public void allocatingAnOrder10BlockTakesOneFromTheNormalZonesOrder10Count() throws Exception {
        long[][] before = buddyinfo();
        assertTrue("a free 4 MiB block in Normal", before[Zone.Normal.ordinal()][10] > 0);

        long pfn = alloc("mem:alloc 10", 10);
        assertTrue("in the Normal zone: pfn 0x" + Long.toHexString(pfn), pfn >= Zone.DMA_LIMIT_PFN);

        long[][] after = buddyinfo();
        before[Zone.Normal.ordinal()][10]--;
        assertArrayEquals("DMA unchanged", before[Zone.DMA.ordinal()], after[Zone.DMA.ordinal()]);
        assertArrayEquals("Normal: one order-10 block less, nothing split", before[Zone.Normal.ordinal()],
                after[Zone.Normal.ordinal()]);
    }

    @Test
    public void freeingTheBlockGivesTheOrder10CountBack() throws Exception {
        String before = shell.ok("mem:buddyinfo").out();
        long pfn = alloc("mem:alloc 10", 10);

        assertEquals(String.format("freed pfn 0x%x order 10 (4 MiB)", pfn), shell.ok("mem:free 0x" + Long.toHexString(pfn) + " 10").out().trim());

        assertEquals(before, shell.ok("mem:buddyinfo").out());
    }

    @Test
    public void allocatingAnOrder10BlockLowersMemFreeBy4096kB() throws Exception {
        long before = memFreeKb();
        alloc("mem:alloc 10", 10);
        assertEquals(before - 4096, memFreeKb());
    }

    @Test
    public void memCheckFindsTheFrameAllocatorAndTheActorTableOk() throws Exception {
        alloc("mem:alloc 3", 3);
        alloc("mem:alloc --dma 0", 0);
        ShellSession.Output check = shell.ok("mem:check");
        assertTrue(check.toString(), check.outLines().stream().anyMatch(l -> l.startsWith("frame allocator: ok")));
        assertTrue(check.toString(), check.outLines().stream().anyMatch(l -> l.startsWith("actor table: ok")));
        assertFalse(check.toString(), check.out().contains("BROKEN"));
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** Free blocks per zone (DMA, Normal) and order, parsed from mem:buddyinfo. */
    private long[][] buddyinfo() throws Exception {
        ShellSession.Output o = shell.ok("mem:buddyinfo");
        long[][] counts = new long[2][];
        for (String line : o.outLines()) {
            Matcher m = LINE.matcher(line);
            assertTrue(line, m.matches());
            Zone zone = Zone.valueOf(m.group(1).trim());
            counts[zone.ordinal()] = Arrays.stream(line.substring(line.indexOf(zone.name()) + zone.name().length()).trim().split(" +"))
                    .mapToLong(Long::parseLong).toArray();
        }
        assertNotNull(o.toString(), counts[0]);
        assertNotNull(o.toString(), counts[1]);
        return counts;
    }

    /** Runs a mem:alloc line; returns the block's first frame, freed after the test. */
    private long alloc(String commandLine, int order) throws Exception {
        String out = shell.ok(commandLine).out();
        Matcher m = ALLOCATED.matcher(out);
        assertTrue(out, m.find());
        assertEquals(out, order, Integer.parseInt(m.group(2)));
        long pfn = Long.parseLong(m.group(1), 16);
        allocated.add(pfn);
        return pfn;
    }

    private long memFreeKb() throws Exception {
        Matcher m = Pattern.compile("(?m)^MemFree:\\s+(\\d+) kB$").matcher(shell.ok("mem:meminfo").out());
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }

    /** Runs a line that must succeed: something on out, nothing on err. */

}
