package org.clkernel.paging.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.clkernel.api.CheckResult;
import org.clkernel.api.paging.ReplayResult;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.replacement.ReplacementPolicy;
import org.clkernel.machine.EmulatedMachine;
import org.clkernel.paging.space.Policies;
import org.clkernel.paging.space.VirtualMemoryService;
import org.clkernel.physical.BuddyFrameAllocator;
import org.clkernel.replacement.clock.ClockPolicy;
import org.clkernel.replacement.fifo.FifoPolicy;
import org.clkernel.replacement.lru.LruPolicy;
import org.clkernel.replacement.opt.OptPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Constants;

/**
 * Machine-mode replay: every reference a read through the MMU of a context of its own, in a space
 * of its own with the requested policy, with real faults and swapping; the space, the context,
 * the frames and the swap slots are gone afterwards.
 *
 * <p>On Belady's string (1 2 3 4 1 2 5 1 2 3 4 5) FIFO faults exactly as in the simulation, 9
 * times at 3 frames and 10 at 4. LRU faults as FIFO does, 9 and 10 (10 and 8 in the simulation):
 * a TLB hit is invisible to the kernel, LRU is never told of a reference, and the order of faults
 * is the order of admissions. Clock counts 9 and 10 as well (10 and 8 in the simulation): the read
 * that a fault retries sets the new page's A flag, so a page enters with its bit set (the
 * simulation admits it clear, as libCacheSim does) and gets a second chance for its admission
 * alone. On this string the hand then clears every bit it passes and each eviction falls on the
 * oldest page, which is FIFO's choice; on longer traces the bits of pages read again after the
 * hand passed them do make a difference (cloudPhysicsIO at 1000 frames: 94908 misses, FIFO 95520,
 * simulated Clock 94727).
 */
class MachineReplayTest {
    private static final Path WORKLOADS = Paths.get("../../../shared/workloads/pages");
    private static final long[] BELADY = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};
    private static final Map<String, Supplier<ReplacementPolicy>> POLICIES = Map.of(
            "fifo", FifoPolicy::new, "clock", ClockPolicy::new, "lru", LruPolicy::new, "opt", OptPolicy::new);

    @TempDir
    Path dir;

    /** A machine with the paging system and the four policies, and a replayer bound to it. */
    private static final class Setup {
        final EmulatedMachine machine;
        final BuddyFrameAllocator frames;
        final VirtualMemoryService vm;
        final ReplayService replay = new ReplayService();

        Setup(int ramMiB, int swapMiB) {
            machine = new EmulatedMachine(ramMiB, EmulatedMachine.DEFAULT_TLB_ENTRIES, swapMiB);
            frames = new BuddyFrameAllocator(machine);
            vm = new VirtualMemoryService(machine, frames);
            int ranking = 10;
            for (var p : POLICIES.entrySet()) {
                Map<String, Object> props = Map.of(ReplacementPolicy.NAME, p.getKey(), Constants.SERVICE_RANKING, ranking++);
                vm.addPolicy(Policies.objects(p.getValue()), props);
                replay.addPolicy(Policies.objects(p.getValue()), props);
            }
            vm.usePolicy("lru"); // what the other spaces use: the replay must not change it
            replay.vm = vm;
            replay.machine = machine;
            replay.frames = frames;
        }

        long freeFrames() {
            return frames.zones().stream().mapToLong(z -> z.freeFrames()).sum();
        }

        void assertCleanedUp(long freeBefore) {
            assertEquals(1, vm.spaces().size(), "only the kernel's space is left");
            assertTrue(machine.contexts().stream().noneMatch(c -> c.name().startsWith("replay-")), "the context is gone");
            assertEquals(0, frames.framesOwned(FrameAllocator.MAX_OWNER - 1), "the replay's owner holds no frame");
            assertEquals(freeBefore, freeFrames(), "every frame is back");
            assertEquals(0, vm.swapUsage().used(), "every swap slot is back");
            assertEquals("lru", vm.policy(), "the other spaces' policy is untouched");
            CheckResult paging = vm.check();
            assertTrue(paging.isOk(), paging.toString());
            CheckResult physical = frames.check();
            assertTrue(physical.isOk(), physical.toString());
        }
    }

    private Path belady() throws IOException {
        List<String> lines = new ArrayList<>();
        for (long p : BELADY) {
            lines.add(Long.toString(p));
        }
        return Files.write(dir.resolve("belady.txt"), lines);
    }

    @Test
    void fifoOnBeladysStringFaultsAsTheSimulationCounts() throws IOException {
        Setup m = new Setup(16, 4);
        Path trace = belady();
        long free = m.freeFrames();
        assertEquals(9, m.replay.replayOnMachine(trace, "fifo", 3, null).misses());
        m.assertCleanedUp(free);
        assertEquals(10, m.replay.replayOnMachine(trace, "fifo", 4, null).misses());
        m.assertCleanedUp(free);
        assertEquals(9, m.replay.simulate(trace, "fifo", 3, null).misses());
        assertEquals(10, m.replay.simulate(trace, "fifo", 4, null).misses());
    }

    @Test
    void lruAndClockSeeNoTlbHitsAndFaultAsFifoDoes() throws IOException {
        Setup m = new Setup(16, 4);
        Path trace = belady();
        long free = m.freeFrames();
        for (String policy : List.of("lru", "clock")) {
            assertEquals(9, m.replay.replayOnMachine(trace, policy, 3, null).misses(), policy);
            m.assertCleanedUp(free);
            assertEquals(10, m.replay.replayOnMachine(trace, policy, 4, null).misses(), policy);
            m.assertCleanedUp(free);
            assertEquals(10, m.replay.simulate(trace, policy, 3, null).misses(), policy);
            assertEquals(8, m.replay.simulate(trace, policy, 4, null).misses(), policy);
        }
    }

    @Test
    void progressReachesTheEnd() throws IOException {
        Setup m = new Setup(16, 4);
        long[] last = {0, 0};
        ReplayResult r = m.replay.replayOnMachine(belady(), "fifo", 3, (done, total) -> {
            last[0] = done;
            last[1] = total;
        });
        assertEquals(12, r.references());
        assertEquals(12, last[0]);
        assertEquals(12, last[1]);
    }

    @Test
    void optAndUnknownPoliciesAreRefusedAndLeaveNothingBehind() throws IOException {
        Setup m = new Setup(16, 0);
        Path trace = belady();
        long free = m.freeFrames();
        assertThrows(IllegalArgumentException.class, () -> m.replay.replayOnMachine(trace, "opt", 3, null));
        assertEquals(9, m.replay.replayOnMachine(trace, "fifo", 3, null).misses(),
                "a replay only reads, its pages stay zero and leave without swap: a machine without swap replays too");
        assertEquals(0, m.replay.replayOnMachine(trace, "fifo", 5, null).misses() - 5, "5 frames hold every page");
        m.assertCleanedUp(free);
        Setup s = new Setup(16, 4);
        free = s.freeFrames();
        assertThrows(IllegalArgumentException.class, () -> s.replay.replayOnMachine(trace, "nope", 3, null));
        assertThrows(IllegalArgumentException.class, () -> s.replay.replayOnMachine(trace, "fifo", 0, null));
        s.assertCleanedUp(free);
    }

    @Test
    void withoutThePagingSystemMachineModeIsRefused() throws IOException {
        ReplayService replay = new ReplayService();
        Path trace = belady();
        assertThrows(IllegalStateException.class, () -> replay.replayOnMachine(trace, "fifo", 3, null));
    }

    @Test
    void otherSpacesKeepTheirPolicyDuringAReplay() throws IOException {
        Setup m = new Setup(16, 4);
        m.vm.createSpace(1);
        assertEquals("lru", m.vm.policy(1));
        m.replay.replayOnMachine(belady(), "clock", 3, (done, total) -> assertEquals("lru", m.vm.policy(1)));
        assertEquals("lru", m.vm.policy(1));
        m.vm.destroySpace(1);
    }

    @Test
    void fifoOnCloudPhysicsAt1000FramesFaultsAsTheSimulationCounts() throws IOException {
        Path trace = WORKLOADS.resolve("cloudPhysicsIO.txt.gz");
        assumeTrue(Files.isRegularFile(trace), "no workload trace at " + trace.toAbsolutePath().normalize());
        Setup m = new Setup(32, 256);
        long free = m.freeFrames();
        ReplayResult sim = m.replay.simulate(trace, "fifo", 1000, null);
        ReplayResult machine = m.replay.replayOnMachine(trace, "fifo", 1000, null);
        System.out.println("sim:     " + sim);
        System.out.println("machine: " + machine);
        assertEquals(95520, sim.misses());
        assertEquals(sim.misses(), machine.misses());
        m.assertCleanedUp(free);
        if (Boolean.getBoolean("clkernel.replay.all")) {
            for (String policy : List.of("clock", "lru")) {
                System.out.println("sim:     " + m.replay.simulate(trace, policy, 1000, null));
                System.out.println("machine: " + m.replay.replayOnMachine(trace, policy, 1000, null));
                m.assertCleanedUp(free);
            }
        }
    }
}
