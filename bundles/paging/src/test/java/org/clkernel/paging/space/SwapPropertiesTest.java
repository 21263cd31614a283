package org.clkernel.paging.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.clkernel.api.CheckResult;
import org.clkernel.api.machine.CpuContext;
import org.clkernel.api.paging.Prot;
import org.clkernel.api.paging.VirtualMemory;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random reads, writes, unmaps, policy swaps and restarts over more pages than the resident limit,
 * against the simplest model of a space's contents (a map from word to last value written, zero
 * when never written or unmapped since):
 * <ul>
 * <li>every read returns the last value written to that word;</li>
 * <li>the resident set never exceeds the limit;</li>
 * <li>check() stays ok after every step.</li>
 * </ul>
 */
class SwapPropertiesTest {
    static final long VA = 0x20000000L;
    static final int PAGES = 12;
    static final int LIMIT = 4;
    static final String[] POLICIES = {"clock", "lru", VirtualMemory.BUILTIN_POLICY, ""};

    record Op(int kind, int page, int word, int value) {
    }

    @Provide
    Arbitrary<List<Op>> runs() {
        Arbitrary<Integer> kind = Arbitraries.frequency(
                net.jqwik.api.Tuple.of(10, 0), net.jqwik.api.Tuple.of(10, 1), net.jqwik.api.Tuple.of(1, 2),
                net.jqwik.api.Tuple.of(1, 3), net.jqwik.api.Tuple.of(1, 4));
        Arbitrary<Op> op = Combinators.combine(kind, Arbitraries.integers().between(0, PAGES - 1),
                Arbitraries.integers().between(0, 3), Arbitraries.integers()).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(80);
    }

    @Property(tries = 150)
    void everyReadReturnsTheLastValueWrittenAndTheLimitHolds(@ForAll("runs") List<Op> run) {
        Booted b = new Booted();
        VirtualMemoryService vm = b.vm;
        vm.createSpace(1);
        vm.reserve(1, VA, PAGES * 4096L, Prot.WRITE | Prot.USER);
        vm.setResidentLimit(1, LIMIT);
        Policies.clock(vm);
        Policies.lru(vm);
        CpuContext cpu = b.run("cpu", 1, 3);
        Map<Long, Integer> model = new HashMap<>();
        for (Op op : run) {
            long address = VA + op.page() * 4096L + op.word() * 1024L;
            switch (op.kind()) {
                case 0 -> {
                    cpu.write32(address, op.value());
                    model.put(address, op.value());
                }
                case 1 -> assertEquals(model.getOrDefault(address, 0), cpu.read32(address), String.format("0x%x", address));
                case 2 -> {
                    vm.unmap(1, VA + op.page() * 4096L);
                    for (int w = 0; w < 4; w++) {
                        model.remove(VA + op.page() * 4096L + w * 1024L);
                    }
                }
                case 3 -> vm.usePolicy(POLICIES[Math.floorMod(op.value(), POLICIES.length)]);
                default -> {
                    vm.deactivate();
                    vm = new VirtualMemoryService(b.machine, b.frames);
                    Policies.clock(vm);
                    Policies.lru(vm);
                }
            }
            assertTrue(vm.residentPages(1) <= LIMIT, "resident " + vm.residentPages(1));
            CheckResult check = vm.check();
            assertTrue(check.isOk(), check.toString());
        }
        for (Map.Entry<Long, Integer> e : model.entrySet()) {
            assertEquals(e.getValue(), cpu.read32(e.getKey()));
        }
        CheckResult physical = b.frames.check();
        assertTrue(physical.isOk(), physical.toString());
    }
}
