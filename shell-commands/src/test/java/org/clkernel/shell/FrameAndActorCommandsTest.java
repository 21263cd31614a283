package org.clkernel.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;


import org.clkernel.actor.ActorTable;
import org.clkernel.machine.EmulatedMachine;
import org.clkernel.physical.BuddyFrameAllocator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** mem: frame commands and actor: commands on a real machine, frame allocator and actor table. */
class FrameAndActorCommandsTest {
    private final EmulatedMachine machine = new EmulatedMachine(128);
    private final BuddyFrameAllocator allocator = new BuddyFrameAllocator(machine);
    private final ActorTable table = new ActorTable(machine, allocator);
    private final FrameCommands mem = new FrameCommands();
    private final ActorCommands actor = new ActorCommands();
    private final MemCommands check = new MemCommands();
    @RegisterExtension
    final ErrorStream err = new ErrorStream();

    @BeforeEach
    void wire() {
        allocator.setQuota(new org.clkernel.actor.ActorQuotas(machine));
        mem.frames = allocator;
        mem.actors = table;
        actor.actors = table;
        actor.frames = allocator;
        check.machine = machine;
        check.frames = allocator;
        check.actors = table;
    }

    private String errors() {
        return err.text();
    }

    @Test
    void buddyinfoHasLinuxsLayout() {
        String[] lines = ((String) mem.buddyinfo()).split("\n");
        assertEquals(2, lines.length);
        assertTrue(lines[0].matches("Node 0, zone      DMA( +\\d+){11} "), lines[0]);
        assertTrue(lines[1].matches("Node 0, zone   Normal( +\\d+){11} "), lines[1]);
        assertTrue(lines[1].endsWith("    27 "), "27 free 4 MiB blocks in Normal: " + lines[1]);
    }

    @Test
    void infoShowsTheDetectedRegionsAndWhatDetectionDropped() {
        String info = (String) check.info();
        assertTrue(info.contains("detected   usable 0x00000000-0x0009efff (636 KiB)\n"), info);
        assertTrue(info.contains("detected   usable 0x00100000-0x07feffff (126.9 MiB)\n"), info);
        machine.physical().write64(0x9100 + 24 * 8 + 12, 0); // empty the 9th mmap entry
        check.frames = new BuddyFrameAllocator(machine); // a restarted allocator detects memory again
        String again = (String) check.info();
        assertTrue(again.contains("detection  mmap entry 8 is empty: ignored\n"), again);
    }

    @Test
    void meminfoCountsInKilobytes() {
        String info = (String) mem.meminfo();
        assertTrue(info.startsWith("MemTotal:         128444 kB\n"), info);
        assertTrue(info.contains("MemAllocated:          4 kB\n"), "the actor table's frame: " + info);
    }

    @Test
    void allocForAnActorCountsAgainstItsQuotaAndFreeGivesItBack() {
        actor.create("2", "0", "net");
        String out = (String) mem.alloc("net", "false", "false", "1");
        assertTrue(out.matches("pfn 0x[0-9a-f]+ order 1: 0x[0-9a-f]{8}-0x[0-9a-f]{8} \\(8 KiB\\) for net"), out);
        assertNull(mem.alloc("net", "false", "false", "0"));
        assertEquals("mem:alloc: actor net is at its quota (2 of 2 frames)\n", errors());
        String pfn = out.substring(4, out.indexOf(' ', 4));
        assertEquals("freed pfn " + pfn + " order 1 (8 KiB)", mem.free("", pfn, "1"));
        assertTrue(((String) actor.stats("false")).contains(" 1  net          0          2   0%     0 B"), (String) actor.stats("false"));
    }

    @Test
    void aDoubleFreeIsOneLineAndTheCheckStaysClean() {
        String out = (String) mem.alloc("kernel", "true", "false", "0");
        String pfn = out.substring(4, out.indexOf(' ', 4));
        mem.free("", pfn, "0");
        assertNull(mem.free("", pfn, "0"));
        assertTrue(errors().matches("mem:free: frame " + pfn + " \\(0x[0-9a-f]{8}\\) is not the start of an allocated block \\(it is cached\\)\n"),
                errors());
        String report = (String) check.check();
        assertTrue(report.contains("frame allocator: ok"), report);
        assertTrue(report.contains("actor table: ok"), report);
    }

    @Test
    void fragmentationIndexIsZeroForOrderZeroAndGrowsWithOrder() {
        assertEquals(0.0, FrameCommands.unusableIndex(new long[] {4, 0, 1}, 0));
        assertEquals(0.5, FrameCommands.unusableIndex(new long[] {4, 0, 1}, 1));
        assertEquals(0.5, FrameCommands.unusableIndex(new long[] {4, 0, 1}, 2));
        assertEquals(1.0, FrameCommands.unusableIndex(new long[] {4, 0, 1}, 3));
        assertEquals(0.0, FrameCommands.unusableIndex(new long[] {0, 0, 0}, 3), "nothing free: 0, as Linux prints it");
    }

    @Test
    void quotaShowsAndChangesLive() {
        actor.create("256", "1048576", "web");
        assertEquals("web: frames 256 (1 MiB), heap 1 MiB", actor.quota("unchanged", "unchanged", "web"));
        assertEquals("web: frames unlimited, heap 1 MiB", actor.quota("0", "unchanged", "web"));
        assertNull(actor.quota("-5", "unchanged", "web"));
        assertTrue(errors().startsWith("actor:quota: frame quota '-5' is outside 0.."), errors());
    }

    @Test
    void destroyReleasesTheActorsFrames() {
        actor.create("0", "0", "tmp");
        mem.alloc("tmp", "false", "false", "3");
        assertEquals("destroyed actor 'tmp': 8 frames released", actor.destroy("tmp"));
        assertNull(actor.destroy("kernel"));
        assertEquals("actor:destroy: the kernel actor cannot be destroyed\n", errors());
    }
}
