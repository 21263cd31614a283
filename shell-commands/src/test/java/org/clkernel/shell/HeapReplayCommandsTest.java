package org.clkernel.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.clkernel.heap.KernelHeapService;
import org.clkernel.heap.ReplayService;
import org.clkernel.machine.EmulatedMachine;
import org.clkernel.paging.space.VirtualMemoryService;
import org.clkernel.physical.BuddyFrameAllocator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** heap:replay with the real replayer: generate a trace, replay it, bad input in one line. */
class HeapReplayCommandsTest {
    private final HeapReplayCommands commands = new HeapReplayCommands();

    @RegisterExtension
    final ErrorStream err = new ErrorStream();

    @TempDir
    Path dir;

    @BeforeEach
    void wire() {
        EmulatedMachine machine = new EmulatedMachine(32);
        BuddyFrameAllocator frames = new BuddyFrameAllocator(machine);
        commands.heap = new KernelHeapService(machine, frames, new VirtualMemoryService(machine, frames));
        commands.replayer = new ReplayService();
    }

    @Test
    void aGeneratedTraceReplaysWithEveryStrategy() throws Exception {
        String file = dir.resolve("c.rep").toString();
        assertEquals("wrote " + file + ": compiler trace, 3000 operations, seed 5",
                commands.replay("", "false", "0", "compiler", "3000", "5", file));
        assertTrue(Files.readAllLines(Path.of(file)).size() > 3000);
        String one = (String) commands.replay("first-fit", "true", "100", "", "0", "0", file);
        assertTrue(one.contains("ran through"), one);
        assertTrue(one.lines().anyMatch(l -> l.matches("utilization +\\d+\\.\\d%")), one);
        String all = (String) commands.replay("all", "false", "0", "", "0", "0", file);
        assertTrue(all.lines().anyMatch(l -> l.matches("first-fit +3000 .* ok")), all);
    }

    @Test
    void badInputIsOneLine() {
        assertNull(commands.replay("", "false", "0", "", "0", "0", dir.resolve("missing.rep").toString()));
        assertTrue(err.text().startsWith("heap:replay: cannot read "), err.text());
        assertNull(commands.replay("nope", "10", "1"));
        assertTrue(err.text().contains("unknown"), err.text());
        assertEquals(2, err.text().lines().count());
    }
}
