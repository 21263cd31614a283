package org.clkernel.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.clkernel.actor.ActorTable;
import org.clkernel.machine.EmulatedMachine;
import org.clkernel.paging.space.VirtualMemoryService;
import org.clkernel.physical.BuddyFrameAllocator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** vm: address-space commands on a real machine, allocator, actor table and paging service. */
class SpaceCommandsTest {
    private final EmulatedMachine machine = new EmulatedMachine(64);
    private final BuddyFrameAllocator frames = new BuddyFrameAllocator(machine);
    private final ActorTable actors = new ActorTable(machine, frames);
    private final SpaceCommands vm = new SpaceCommands();
    private final MmuCommands mmu = new MmuCommands();

    @RegisterExtension
    final ErrorStream err = new ErrorStream();

    @BeforeEach
    void wire() {
        vm.vm = new VirtualMemoryService(machine, frames);
        vm.machine = machine;
        vm.actors = actors;
        mmu.machine = machine;
        actors.create("web", 0, 0);
    }

    @Test
    void createMapTranslateUnmap() {
        assertTrue(((String) vm.create("web")).startsWith("space of web: page directory at 0x"));
        long frame = frames.allocate(0, 1, 0) << 12;
        assertEquals(String.format("web: 0x00400000 -> 0x%08x rwu", frame), vm.map("web", "default", "0x400000", Long.toString(frame)));
        assertEquals(String.format("web: 0x00400123 -> 0x%08x", frame + 0x123), vm.translate("web", "0x400123"));
        assertEquals(String.format("web: 0x00400000 unmapped (was 0x%08x)", frame), vm.unmap("web", "0x400000"));
        assertEquals("web: 0x00400123 is not mapped", vm.translate("web", "0x400123"));
    }

    @Test
    void aUserActorCannotMapIntoTheKernelHalf() {
        vm.create("web");
        assertNull(vm.map("web", "default", "0xd0000000", "0x300000"));
        assertTrue(err.text().startsWith("vm:map: "), err.text());
        assertEquals(1, err.text().lines().count());
    }

    @Test
    void demandZeroPagesFillOnFirstTouchThroughTheShellContext() {
        vm.create("web");
        assertTrue(((String) vm.reserve("web", "default", "0x10000000", "0x4000")).contains("region 0x10000000-0x10003fff rwu"));
        assertTrue(((String) vm.activate("web")).startsWith("shell context runs the space of web"));
        String access = (String) mmu.access("3", "0x10001004", "w");
        assertTrue(access.startsWith("0x10001004 -> 0x"), access);
        String stats = (String) vm.stats("false");
        assertTrue(stats.matches("(?s).*\\s1\\s+web\\s+1\\s+0\\s+0\\s+0\\s+\\d+\n.*"), stats);
    }

    @Test
    void aSpaceOverItsResidentLimitIsPagedToSwap() {
        vm.create("web");
        assertEquals("web: resident limit 2 pages", vm.limit("web", "2"));
        vm.reserve("web", "default", "0x10000000", "0x8000");
        vm.activate("web");
        for (int page = 0; page < 5; page++) {
            String access = (String) mmu.access("3", String.format("0x%08x", 0x10000000 + page * 4096), "w");
            assertTrue(access.startsWith("0x1000"), access);
        }
        String spaces = (String) vm.spaces();
        assertTrue(spaces.matches("(?s).*\\s1\\s+web\\s+0x[0-9a-f]{8}\\s+1\\s+2\\s+2\\s+5\\s+0\\s+0\\s+3\\n.*"), spaces);
        String stats = (String) vm.stats("false");
        assertTrue(stats.contains("swap: 3 of 16384 slots used"), stats);
    }

    @Test
    void mapIoGivesAnUncachedKernelAddressOfTheDevice() {
        String out = (String) vm.mapio("0xb8000", "4000");
        assertTrue(out.startsWith("0x000b8000 (+3.9 KiB) mapped at 0xf"), out);
    }

    @Test
    void spacesListsTheKernelFirst() {
        vm.create("web");
        String[] lines = ((String) vm.spaces()).split("\n");
        assertTrue(lines[1].matches("\\s*0\\s+kernel\\s+0x[0-9a-f]{8}.*"), lines[1]);
        assertTrue(lines[2].matches("\\s*1\\s+web\\s+0x[0-9a-f]{8}.*"), lines[2]);
    }

    @Test
    void anUnknownActorIsOneLine() {
        assertNull(vm.create("nobody"));
        assertEquals("vm:create: no actor named 'nobody'\n", err.text());
    }
}
