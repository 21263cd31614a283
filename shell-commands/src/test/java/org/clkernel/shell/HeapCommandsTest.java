package org.clkernel.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.clkernel.actor.ActorTable;
import org.clkernel.heap.KernelHeapService;
import org.clkernel.machine.EmulatedMachine;
import org.clkernel.paging.space.VirtualMemoryService;
import org.clkernel.physical.BuddyFrameAllocator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** heap: commands on a real machine, allocator, paging and heap. */
class HeapCommandsTest {
    private final EmulatedMachine machine = new EmulatedMachine(32);
    private final BuddyFrameAllocator frames = new BuddyFrameAllocator(machine);
    private final ActorTable actors = new ActorTable(machine, frames);
    private final HeapCommands heap = new HeapCommands();

    @RegisterExtension
    final ErrorStream err = new ErrorStream();

    @BeforeEach
    void wire() {
        heap.heap = new KernelHeapService(machine, frames, new VirtualMemoryService(machine, frames));
        heap.actors = actors;
        actors.create("web", 0, 0);
    }

    @Test
    void allocThenFreeShowsInTheStatistics() {
        String out = (String) heap.alloc("web", "100");
        assertTrue(out.matches("0xd[0-9a-f]{7}: 100 bytes \\(\\d+ usable\\) for web"), out);
        String stats = (String) heap.stats();
        assertTrue(stats.contains("blocks     1 live"), stats);
        String address = out.substring(0, 10);
        assertTrue(((String) heap.free(address)).startsWith("freed " + address));
        assertTrue(((String) heap.stats()).contains("blocks     0 live"));
        assertEquals("kernel heap: ok", ((String) heap.check()).replaceAll(" \\(\\d+ checked\\)", ""));
    }

    @Test
    void aDoubleFreeIsOneLineAndTheHeapStaysIntact() {
        String address = ((String) heap.alloc("kernel", "64")).substring(0, 10);
        heap.free(address);
        assertNull(heap.free(address));
        assertTrue(err.text().startsWith("heap:free: "), err.text());
        assertEquals(1, err.text().lines().count());
        assertTrue(((String) heap.check()).contains("ok"));
    }

    @Test
    void theBuiltInStrategyServesWithoutBundlesAndAnUnknownOneIsRefused() {
        assertEquals("strategy first-fit", ((String) heap.strategy()).lines().findFirst().orElseThrow());
        assertNull(heap.strategy("use", "nope"));
        assertTrue(err.text().startsWith("heap:strategy: "), err.text());
    }
}
