package org.clkernel.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.clkernel.heap.KernelHeapService;
import org.clkernel.machine.EmulatedMachine;
import org.clkernel.paging.space.VirtualMemoryService;
import org.clkernel.physical.BuddyFrameAllocator;
import org.clkernel.supervisor.LeakScanService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ai: commands on a real heap: a block nothing points to is reported, one a root reaches is not. */
class AiCommandsTest {
    private final EmulatedMachine machine = new EmulatedMachine(32);
    private final BuddyFrameAllocator frames = new BuddyFrameAllocator(machine);
    private final VirtualMemoryService vm = new VirtualMemoryService(machine, frames);
    private final KernelHeapService heap = new KernelHeapService(machine, frames, vm);
    private final AiCommands ai = new AiCommands();

    @RegisterExtension
    final ErrorStream err = new ErrorStream();

    @Test
    void aBlockNothingReachesIsReportedAndOneARootReachesIsNot() {
        ai.leaks = new LeakScanService(machine, vm, heap);
        long root = heap.kmalloc(64, 0, heap.site("table"));
        long kept = heap.kmalloc(100, 0, heap.site("kept"));
        long lost = heap.kmalloc(200, 7, heap.site("lost"));
        long pa = vm.physical(0, root & ~0xFFFL).orElseThrow() + (root & 0xFFF);
        machine.physical().write32(pa, (int) kept);
        assertTrue(((String) ai.root("add", "table", Args.hex32(root), "64")).startsWith("root table"));
        String out = (String) ai.leaks();
        assertTrue(out.contains(Args.hex32(lost)), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("0x[0-9a-f]{8} +200 +7 +lost +\\d+")), out);
        assertTrue(!out.contains(Args.hex32(kept)), out);
        assertTrue(out.contains("1 leaks;"), out);
        assertEquals("removed root table", ai.root("remove", "table"));
        assertNull(ai.root("add", "x", "0x1000", "0"));
        assertTrue(err.text().startsWith("ai:root: "), err.text());
    }
}
