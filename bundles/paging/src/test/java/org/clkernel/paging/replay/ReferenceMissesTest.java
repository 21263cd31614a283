package org.clkernel.paging.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.function.Supplier;

import org.clkernel.api.replacement.ReplacementPolicy;
import org.clkernel.replacement.clock.ClockPolicy;
import org.clkernel.replacement.fifo.FifoPolicy;
import org.clkernel.replacement.lru.LruPolicy;
import org.clkernel.replacement.opt.OptPolicy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Replays the shared workload traces through each policy in a {@link Simulation} and holds the
 * misses to libCacheSim's ({@code cachesim --ignore-obj-size 1}), as the table in
 * {@code shared/workloads/README.md} gives them. LRU, FIFO and OPT are defined exactly, and so is
 * this Clock: libCacheSim's Clock inserts a page with its reference bit clear, sets the bit on a
 * hit, and its hand clears a set bit and moves on, evicting the first page found clear, which is
 * what {@link ClockPolicy} does over the accessed bits the simulation keeps.
 *
 * <p>The traces are read from {@code shared/} beside the repository (the tests run in
 * {@code bundles/paging}); without it the tests are skipped. Each trace is read once.
 */
class ReferenceMissesTest {
    private static final Path WORKLOADS = Paths.get("../../../shared/workloads/pages");

    private static final Map<String, Supplier<ReplacementPolicy>> POLICIES = Map.of(
            "lru", LruPolicy::new,
            "fifo", FifoPolicy::new,
            "opt", OptPolicy::new,
            "clock", ClockPolicy::new);

    private static Trace oltp;
    private static Trace cloudPhysics;

    @BeforeAll
    static void readTraces() throws IOException {
        assumeTrue(Files.isDirectory(WORKLOADS), "no workload traces at " + WORKLOADS.toAbsolutePath().normalize());
        oltp = Trace.read(WORKLOADS.resolve("OLTP.lis.gz"));
        cloudPhysics = Trace.read(WORKLOADS.resolve("cloudPhysicsIO.txt.gz"));
    }

    @ParameterizedTest(name = "{0} at {1} frames: {2} misses {3}")
    @CsvSource({
        // trace,     frames, policy, libCacheSim's misses
        "OLTP,           1000, lru,   614023",
        "OLTP,           1000, fifo,  653340",
        "OLTP,           1000, opt,   424052",
        "OLTP,           1000, clock, 609973",
        "OLTP,           2000, lru,   525910",
        "OLTP,           2000, fifo,  571918",
        "OLTP,           2000, opt,   361996",
        "OLTP,           2000, clock, 520807",
        "OLTP,           5000, lru,   423702",
        "OLTP,           5000, fifo,  459965",
        "OLTP,           5000, opt,   290069",
        "OLTP,           5000, clock, 422067",
        "cloudPhysicsIO, 1000, lru,   94823",
        "cloudPhysicsIO, 1000, fifo,  95520",
        "cloudPhysicsIO, 1000, opt,   87025",
        "cloudPhysicsIO, 1000, clock, 94727",
        "cloudPhysicsIO, 5000, lru,   91527",
        "cloudPhysicsIO, 5000, fifo,  91581",
        "cloudPhysicsIO, 5000, opt,   71311",
        "cloudPhysicsIO, 5000, clock, 91458",
        "cloudPhysicsIO, 20000, lru,  72053",
        "cloudPhysicsIO, 20000, fifo, 72229",
        "cloudPhysicsIO, 20000, opt,  51843",
        "cloudPhysicsIO, 20000, clock, 72151",
    })
    void missesEqualLibCacheSims(String trace, int frames, String policy, long expected) {
        Trace t = trace.equals("OLTP") ? oltp : cloudPhysics;
        var result = new Simulation(t, frames).run(POLICIES.get(policy).get(), policy, null);
        assertEquals(expected, result.misses(), result::toString);
    }
}
