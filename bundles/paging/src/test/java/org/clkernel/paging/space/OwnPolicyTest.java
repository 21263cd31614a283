package org.clkernel.paging.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.clkernel.api.CheckResult;
import org.clkernel.api.machine.CpuContext;
import org.clkernel.api.paging.Prot;
import org.clkernel.api.paging.VirtualMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A space with a policy of its own, beside spaces that use the policy of the others. */
class OwnPolicyTest {
    static final long VA = 0x10000000L;

    final Booted b = new Booted();
    final VirtualMemoryService vm = b.vm;

    @AfterEach
    void intact() {
        b.assertIntact();
    }

    @Test
    void aSpaceKeepsItsOwnPolicyWhileTheOthersChange() {
        Policies.clock(vm);
        var lru = Policies.lru(vm);
        vm.createSpace(1);
        vm.createSpace(2);
        vm.usePolicy(2, "clock");
        assertEquals("lru", vm.policy(1));
        assertEquals("clock", vm.policy(2));
        assertEquals("lru", vm.policy(), "the choice for one space is not the others'");

        vm.usePolicy(VirtualMemory.BUILTIN_POLICY);
        assertEquals(VirtualMemory.BUILTIN_POLICY, vm.policy(1));
        assertEquals("clock", vm.policy(2));

        vm.usePolicy(null);
        vm.usePolicy(2, VirtualMemory.BUILTIN_POLICY);
        assertEquals("lru", vm.policy(1));
        assertEquals(VirtualMemory.BUILTIN_POLICY, vm.policy(2));

        vm.usePolicy(2, "");
        assertEquals("lru", vm.policy(2), "back to the others' policy");

        vm.usePolicy(2, "lru");
        vm.removePolicy(lru);
        assertEquals("clock", vm.policy(2), "its own policy left: the others' one serves");
    }

    @Test
    void theOwnPolicyEvictsAndTheResidentSetMovesWithoutLoss() {
        Policies.lru(vm);
        vm.createSpace(1);
        vm.reserve(1, VA, 8 * 4096L, Prot.WRITE | Prot.USER);
        vm.setResidentLimit(1, 4);
        CpuContext cpu = b.run("cpu", 1, 3);
        for (int p = 0; p < 4; p++) {
            cpu.write32(VA + p * 4096L, p + 1);
        }
        cpu.read32(VA); // LRU is never told: the order of faults is all it knows
        vm.usePolicy(1, VirtualMemory.BUILTIN_POLICY);
        assertEquals(4, vm.residentPages(1));
        CheckResult check = vm.check();
        assertTrue(check.isOk(), check.toString());
        cpu.write32(VA + 4 * 4096L, 5);
        assertFalse(vm.physical(1, VA).isPresent(), "the built-in FIFO evicts the first page in");
        assertEquals(1, cpu.read32(VA), "and reads it back from swap");
        b.machine.removeContext("cpu");
        vm.destroySpace(1);
    }

    @Test
    void theChoiceEndsWithTheSpace() {
        Policies.clock(vm);
        Policies.lru(vm);
        vm.createSpace(1);
        vm.usePolicy(1, "clock");
        vm.destroySpace(1);
        vm.createSpace(1);
        assertEquals("lru", vm.policy(1));
    }

    @Test
    void badRequestsAreRefused() {
        vm.createSpace(1);
        assertThrows(IllegalArgumentException.class, () -> vm.usePolicy(1, "nope"));
        assertThrows(IllegalArgumentException.class, () -> vm.usePolicy(0, VirtualMemory.BUILTIN_POLICY));
        assertThrows(IllegalArgumentException.class, () -> vm.usePolicy(7, VirtualMemory.BUILTIN_POLICY));
        assertThrows(IllegalArgumentException.class, () -> vm.policy(7));
        assertEquals(VirtualMemory.BUILTIN_POLICY, vm.policy(1));
    }

    @Test
    void aFailingOwnPolicyFallsBackToTheOthersOne() {
        Policies.lru(vm);
        Policies.install(vm, "broken", 0, Policies.Throwing::new);
        vm.createSpace(1);
        vm.createSpace(2);
        vm.reserve(2, VA, 4 * 4096L, Prot.WRITE | Prot.USER);
        vm.setResidentLimit(2, 1);
        vm.usePolicy(2, "broken");
        CpuContext cpu = b.run("cpu", 2, 3);
        cpu.write32(VA, 1);
        cpu.write32(VA + 4096L, 2); // the broken policy throws in evict
        assertEquals("lru", vm.policy(2));
        assertEquals("lru", vm.policy(1));
        assertEquals(1, cpu.read32(VA));
        b.machine.removeContext("cpu");
    }
}
