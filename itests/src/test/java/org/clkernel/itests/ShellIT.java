package org.clkernel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.clkernel.api.machine.Machine;
import org.clkernel.api.machine.MemoryRegion;
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
import org.osgi.util.tracker.ServiceTracker;

/**
 * The mem:, cpu: and mmu: commands through a real Gogo session, on the default 128 MiB machine.
 *
 * <p>Every test starts with a fresh shell CPU context (reset registers, empty TLB, zero counters).
 * Paging tests map one page with mem:poke: a page directory at 2 MiB whose entry 1 points to a page
 * table at 2 MiB + 4 KiB, whose entry 0 maps linear 0x00400000 to the frame at 3 MiB, supervisor
 * and writable. Linear 0x00800000 (directory entry 2) stays unmapped. The frame allocator, which
 * keeps its header at 2 MiB, is not installed here; its commands have their own tests.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ShellIT {
    static final long TIMEOUT_MS = 10_000;

    @Inject
    BundleContext context;

    @Inject
    CommandProcessor processor;

    @Inject
    Machine machine;

    private ShellSession shell;

    @Configuration
    public Option[] configuration() {
        return RuntimeBundles.withoutPhysicalMemory();
    }

    @Before
    public void freshShellContext() throws Exception {
        for (String scope : List.of("mem", "cpu", "mmu")) {
            awaitCommands(scope);
        }
        machine.removeContext("shell");
        shell = new ShellSession(processor);
    }

    @After
    public void closeSession() {
        shell.close();
    }

    // ---- mem: ----------------------------------------------------------------------------------

    @Test
    public void memMapListsExtendedMemoryAsUsableFromOneMiBToTheAcpiTables() throws Exception {
        long acpi = machine.physical().ramSize() - PcMemoryMapExpectations.ACPI_SIZE;
        ShellSession.Output o = shell.ok("mem:map");
        assertLine(o, String.format("0x00100000\\s+0x%08x\\s+\\S+ MiB\\s+usable", acpi - 1));
        assertLine(o, String.format("0x%08x\\s+0x%08x\\s+64 KiB\\s+ACPI data", acpi, machine.physical().ramSize() - 1));
    }

    @Test
    public void memMapJsonHasOneObjectPerFirmwareRegion() throws Exception {
        String json = shell.ok("mem:map --json").out().trim();
        List<MemoryRegion> map = machine.memoryMap();
        assertEquals(json, map.size(), json.chars().filter(c -> c == '{').count());
        MemoryRegion extended = PcMemoryMapExpectations.regionAt(map, PcMemoryMapExpectations.ONE_MIB);
        assertTrue(json, json.contains("{\"base\":1048576,\"length\":" + extended.length()
                + ",\"type\":\"usable\",\"code\":1}"));
    }

    @Test
    public void memPokeThenXpShowsTheBytesLittleEndian() throws Exception {
        assertEquals("0x00150000 <- 0xdeadbeef (4 bytes)", shell.ok("mem:poke 0x00150000 0xdeadbeef").out().trim());
        assertEquals("0x00150004 <- 0x41 (1 byte)", shell.ok("mem:poke --size 1 0x00150004 0x41").out().trim());

        ShellSession.Output dump = shell.ok("mem:xp 0x00150000 8");
        assertEquals(dump.toString(), 1, dump.outLines().size());
        String line = dump.outLines().get(0);
        assertTrue(line, line.startsWith("00150000  ef be ad de 41 00 00 00"));
        assertTrue(line, line.endsWith("|....A...|"));
    }

    // ---- mmu: and cpu: -------------------------------------------------------------------------

    @Test
    public void accessThroughAMappedPageTranslatesToTheFrame() throws Exception {
        mapOnePage();
        assertEquals("0x00400123 -> 0x00300123", shell.ok("mmu:access 0x00400123 r").out().trim());
    }

    @Test
    public void accessToAnUnmappedPageIsANotPresentFaultThatLoadsCr2() throws Exception {
        mapOnePage();
        String fault = shell.ok("mmu:access 0x00800010 r").out().trim();
        assertTrue(fault, fault.startsWith("#PF err=0x0 CR2=0x00800010"));
        assertTrue(fault, fault.contains("not-present read supervisor"));
        assertLine(shell.ok("cpu:regs"), "CR2\\s+0x00800010");
    }

    @Test
    public void userAccessToASupervisorPageIsAProtectionFault() throws Exception {
        mapOnePage();
        String fault = shell.ok("mmu:access --cpl 3 0x00400000 w").out().trim();
        // P (protection) | W/R (write) | U/S (user)
        assertTrue(fault, fault.startsWith("#PF err=0x7 CR2=0x00400000"));
        assertLine(shell.ok("cpu:regs"), "CPL\\s+0 \\(supervisor\\)");
    }

    @Test
    public void walkShowsThePdeAndPteOfAMappedAddress() throws Exception {
        mapOnePage();
        ShellSession.Output walk = shell.ok("mmu:walk 0x00400123");
        assertLine(walk, "linear 0x00400123: directory index 1, table index 0, offset 0x123");
        assertLine(walk, Pattern.quote("PDE  [0x00200004] = 0x00201003  P RW  -> page table 0x00201000"));
        assertLine(walk, Pattern.quote("PTE  [0x00201000] = 0x00300003  P RW  -> frame 0x00300000"));
        assertLine(walk, Pattern.quote("=>   0x00300123 (4 KiB page, supervisor, writable)"));
    }

    @Test
    public void tlbListsTheTranslationOfAnAccess() throws Exception {
        mapOnePage();
        assertTrue(shell.ok("mmu:tlb").out().startsWith("TLB empty"));
        shell.ok("mmu:access 0x00400123 r");
        ShellSession.Output tlb = shell.ok("mmu:tlb");
        assertEquals(tlb.toString(), 2, tlb.outLines().size());
        assertLine(tlb, "0x00400000\\s+0x00300000\\s+4K\\s+SW\\s+-\\s+-");
    }

    @Test
    public void invlpgDropsTheTlbEntryOfThePage() throws Exception {
        mapOnePage();
        shell.ok("mmu:access 0x00400123 r");
        assertEquals("invlpg 0x00400fff: 1 TLB entry dropped", shell.ok("mmu:invlpg 0x00400fff").out().trim());
        assertTrue(shell.ok("mmu:tlb").out().startsWith("TLB empty"));
    }

    // ---- bad input -----------------------------------------------------------------------------

    @Test
    public void addressThatIsNotANumberIsOneErrorLine() throws Exception {
        String before = shell.ok("cpu:regs").out();
        ShellSession.Output o = shell.run("mem:xp zz");
        assertOneErrorLine(o, "mem:xp: ");
        assertEquals(before, shell.ok("cpu:regs").out());
    }

    @Test
    public void unimplementedCr4BitIsOneErrorLineAndLeavesTheRegistersAlone() throws Exception {
        mapOnePage();
        String before = shell.ok("cpu:regs").out();
        ShellSession.Output o = shell.run("cpu:set cr4 0x20");
        assertOneErrorLine(o, "cpu:set: ");
        assertEquals(before, shell.ok("cpu:regs").out());
    }

    @Test
    public void unknownAccessKindIsOneErrorLineAndTranslatesNothing() throws Exception {
        mapOnePage();
        shell.ok("mmu:access 0x00400123 r");
        String regs = shell.ok("cpu:regs").out();
        String tlb = shell.ok("mmu:tlb").out();
        ShellSession.Output o = shell.run("mmu:access 0x1000 q");
        assertOneErrorLine(o, "mmu:access: ");
        assertEquals("registers and counters", regs, shell.ok("cpu:regs").out());
        assertEquals(tlb, shell.ok("mmu:tlb").out());
    }

    @Test
    public void wrongNumberOfArgumentsIsOneUsageLine() throws Exception {
        for (String line : new String[] {"mem:xp", "mem:xp 1 2 3", "mem:poke 0x1000", "cpu:set cr3", "mmu:walk",
                "mmu:access 0x1000", "mem:map extra", "cpu:regs now"}) {
            ShellSession.Output o = shell.run(line);
            String command = line.split(" ")[0];
            assertOneErrorLine(o, command + ": usage: " + command);
        }
    }

    @Test
    public void commandsWithOnlyOptionsStillRunWithoutArguments() throws Exception {
        assertTrue(shell.ok("mem:map").out().startsWith("BASE"));
        assertTrue(shell.ok("mem:map --json").out().startsWith("[{"));
        assertTrue(shell.ok("mmu:tlb").out().startsWith("TLB empty"));
        assertTrue(shell.ok("mem:xp 0x9000 16").out().startsWith("00009000"));
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** Builds the page directory and table with mem:poke, loads CR3 and turns paging on. */
    private void mapOnePage() throws Exception {
        shell.ok("mem:poke 0x00200004 0x00201003"); // PDE 1: page table at 0x00201000, P RW
        shell.ok("mem:poke 0x00201000 0x00300003"); // PTE 0: frame 0x00300000, P RW
        assertTrue(shell.ok("cpu:set cr3 0x00200000").out().startsWith("CR3 = 0x00200000"));
        String cr0 = shell.ok("cpu:set cr0 0x80000001").out();
        assertTrue(cr0, cr0.startsWith("CR0 = 0x80000011  PE ET PG"));
    }

    /** Runs a line that must succeed: something on out, nothing on err. */

    private static void assertOneErrorLine(ShellSession.Output o, String prefix) {
        assertEquals("nothing on out:\n" + o, "", o.out());
        assertEquals("one line on err:\n" + o, 1, o.errLines().size());
        assertTrue(o.err(), o.errLines().get(0).startsWith(prefix));
    }

    private static void assertLine(ShellSession.Output o, String regex) {
        Pattern p = Pattern.compile(regex);
        assertTrue("no line matches /" + regex + "/ in\n" + o,
                o.outLines().stream().anyMatch(l -> p.matcher(l).find()));
    }

    private void awaitCommands(String scope) throws Exception {
        ServiceTracker<Object, Object> commands = new ServiceTracker<>(context,
                context.createFilter("(" + CommandProcessor.COMMAND_SCOPE + "=" + scope + ")"), null);
        commands.open();
        try {
            assertNotNull(scope + ": commands within " + TIMEOUT_MS + " ms", commands.waitForService(TIMEOUT_MS));
        } finally {
            commands.close();
        }
    }
}
