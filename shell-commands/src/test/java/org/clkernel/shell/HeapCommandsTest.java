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
        KernelHeapService service = new KernelHeapService(machine, frames, new VirtualMemoryService(machine, frames));
        service.setActors(actors);
        heap.heap = service;
        heap.actors = actors;
        actors.create("web", 0, 0);
        actors.create("small", 0, 100);
    }

    @Test
    void allocThenFreeShowsInTheStatistics() {
        String out = (String) heap.alloc("web", "8", "100");
        assertTrue(out.matches("0xd[0-9a-f]{7}: 100 bytes \\(\\d+ usable\\) for web"), out);
        String stats = (String) heap.stats();
        assertTrue(stats.contains("blocks     1 live"), stats);
        String address = out.substring(0, 10);
        assertTrue(((String) heap.free("", address)).startsWith("freed " + address));
        assertTrue(((String) heap.stats()).contains("blocks     0 live"));
        assertEquals("kernel heap: ok", ((String) heap.check()).replaceAll(" \\(\\d+ checked\\)", ""));
    }

    @Test
    void aDoubleFreeIsOneLineAndTheHeapStaysIntact() {
        String address = ((String) heap.alloc("kernel", "8", "64")).substring(0, 10);
        heap.free("", address);
        assertNull(heap.free("", address));
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

    @Test
    void anActorAtItsQuotaIsToldSoInOneLine() {
        heap.alloc("small", "8", "60");
        assertNull(heap.alloc("small", "8", "50"));
        assertEquals("heap:alloc: actor small is at its heap quota: 60 of 100 bytes in use, 50 more asked\n", err.text());
    }

    @Test
    void onlyTheOwnerFreesWithActor() {
        String address = ((String) heap.alloc("web", "8", "40")).substring(0, 10);
        assertNull(heap.free("small", address));
        assertTrue(err.text().contains("belongs to actor"), err.text());
        assertTrue(((String) heap.free("web", address)).startsWith("freed"));
    }

    @Test
    void alignedAllocationFromTheShell() {
        String out = (String) heap.alloc("kernel", "4096", "100");
        assertTrue(Long.parseLong(out.substring(2, 10), 16) % 4096 == 0, out);
        assertNull(heap.alloc("kernel", "24", "100"));
        assertTrue(err.text().startsWith("heap:alloc: "), err.text());
    }

    @Test
    void actorsListsHeapUsePerActor() {
        heap.alloc("web", "8", "100");
        heap.alloc("kernel", "8", "10");
        String out = (String) heap.actors();
        assertTrue(out.lines().anyMatch(l -> l.matches("0 +kernel +10 +10 +10 +1 +-")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("1 +web +100 +100 +100 +1 +-")), out);
    }

    @Test
    void mapDrawsUsedFreeAndQuarantinedBlocks() {
        String a = ((String) heap.alloc("kernel", "8", "1000")).substring(0, 10);
        heap.alloc("kernel", "8", "1000");
        heap.free("", a);
        String map = (String) heap.map("64");
        String first = map.lines().findFirst().orElseThrow();
        assertTrue(first.matches("0xd0021000 q{16}#{15}\\+\\.{32}"), first);
        assertTrue(map.contains("1 used, 1 free, 1 quarantined blocks"), map);
        assertNull(heap.map("x"));
        assertTrue(err.text().startsWith("heap:map: "), err.text());
    }

    @Test
    void statsShowTheChecksAndTheStrategyListMarksTheOneServing() {
        assertTrue(((String) heap.stats()).contains("checks     canary on, poison on, zero on free on"));
        assertEquals("* first-fit\n", heap.strategy("list"));
    }
}
