package org.clkernel.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.clkernel.api.CheckResult;
import org.clkernel.api.actor.Actor;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.physical.Gfp;
import org.clkernel.machine.EmulatedMachine;
import org.clkernel.physical.BuddyFrameAllocator;
import org.clkernel.paging.space.VirtualMemoryService;
import org.clkernel.api.paging.Prot;
import org.clkernel.api.machine.CpuContext;
import org.junit.jupiter.api.Test;

class ActorTableTest {
    private final EmulatedMachine machine = new EmulatedMachine(64);
    private final BuddyFrameAllocator frames = new BuddyFrameAllocator(machine);
    private final ActorTable actors = new ActorTable(machine, frames);
    private final ActorQuotas quotas = new ActorQuotas(machine);

    @Test
    void theKernelActorAlwaysExistsUnlimited() {
        assertEquals(List.of(new Actor(0, "kernel", 0, 0)), actors.list());
        assertThrows(IllegalArgumentException.class, () -> actors.destroy("kernel"));
        assertThrows(IllegalArgumentException.class, () -> actors.setQuota("kernel", 5, 5));
    }

    @Test
    void createdActorsGetSmallIdsAndKeepTheirQuotas() {
        Actor a = actors.create("net", 256, 1 << 20);
        Actor b = actors.create("disk", 0, 4096);
        assertEquals(1, a.id());
        assertEquals(2, b.id());
        assertEquals(256, quotas.frameQuota(1));
        assertEquals(0, quotas.frameQuota(2), "0 is unlimited");
        assertEquals(0, quotas.frameQuota(3), "no actor: no limit");
        assertEquals(b, actors.find("disk").orElseThrow());
    }

    @Test
    void badNamesAndQuotasAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> actors.create("has space", 1, 1));
        assertThrows(IllegalArgumentException.class, () -> actors.create("x".repeat(24), 1, 1));
        assertThrows(IllegalArgumentException.class, () -> actors.create("neg", -1, 1));
        actors.create("dup", 1, 1);
        assertEquals("actor 'dup' exists already",
                assertThrows(IllegalArgumentException.class, () -> actors.create("dup", 1, 1)).getMessage());
        assertEquals(2, actors.list().size());
    }

    @Test
    void theFrameAllocatorEnforcesTheQuota() {
        frames.setQuota(quotas);
        Actor a = actors.create("small", 3, 0);
        assertTrue(frames.allocate(1, a.id(), Gfp.NONE) >= 0);
        assertTrue(frames.allocate(0, a.id(), Gfp.NONE) >= 0);
        assertEquals(FrameAllocator.OVER_QUOTA, frames.allocate(0, a.id(), Gfp.NONE));
        actors.setQuota("small", 4, 0);
        assertTrue(frames.allocate(0, a.id(), Gfp.NONE) >= 0, "a raised quota takes effect at once");
    }

    @Test
    void destroyingAnActorReleasesItsFramesAndFreesItsId() {
        Actor a = actors.create("temp", 0, 0);
        frames.allocate(3, a.id(), Gfp.NONE);
        frames.allocate(0, a.id(), Gfp.NONE);
        assertEquals(9, actors.destroy("temp"));
        assertEquals(0, frames.framesOwned(a.id()));
        assertFalse(actors.find("temp").isPresent());
        assertEquals(0, quotas.frameQuota(a.id()), "a destroyed actor's quota is gone");
        assertEquals(a.id(), actors.create("again", 0, 0).id(), "the id is reused");
        assertTrue(frames.check().isOk(), frames.check().toString());
    }

    @Test
    void destroyingAnActorDestroysItsAddressSpaceFirst() {
        VirtualMemoryService vm = new VirtualMemoryService(machine, frames);
        actors.paging = vm;
        long free = frames.zones().stream().mapToLong(z -> z.freeFrames()).sum();
        Actor a = actors.create("spaced", 0, 0);
        vm.createSpace(a.id());
        vm.reserve(a.id(), 0x10000000L, 0x4000, Prot.WRITE | Prot.USER);
        CpuContext cpu = machine.context("user");
        vm.activate(cpu, a.id());
        cpu.write32(0x10001000L, 42);
        assertThrows(IllegalStateException.class, () -> actors.destroy("spaced"), "refused while a CPU runs the space");
        assertTrue(actors.find("spaced").isPresent(), "a refused destroy changes nothing");
        machine.removeContext("user");
        vm.activate(machine.context("other"), 0); // a context on the kernel's space only
        assertTrue(actors.destroy("spaced") > 0);
        assertTrue(vm.space(a.id()).isEmpty());
        assertEquals(0, frames.framesOwned(a.id()));
        assertTrue(vm.check().isOk(), vm.check().toString());
        assertEquals(free, frames.zones().stream().mapToLong(z -> z.freeFrames()).sum(), "every frame of the actor is back");
    }

    @Test
    void aNewInstanceFindsTheTableInRam() {
        actors.create("kept", 12, 34);
        ActorTable again = new ActorTable(machine, frames);
        assertEquals(new Actor(1, "kept", 12, 34), again.find("kept").orElseThrow());
        assertEquals(12, new ActorQuotas(machine).frameQuota(1));
    }

    @Test
    void checkNamesABrokenEntry() {
        actors.create("ok", 1, 1);
        assertTrue(actors.check().isOk());
        long table = machine.anchors().get(ActorTable.ANCHOR).getAsLong();
        machine.physical().write8(table + ActorTable.FIRST_ENTRY + ActorTable.ENTRY + 8, 0x07);
        CheckResult check = actors.check();
        assertFalse(check.isOk());
        assertTrue(check.firstProblem().startsWith("actor 1 at 0x"), check.toString());
    }
}
