package org.clkernel.paging.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.clkernel.api.paging.ReplayResult;
import org.clkernel.api.replacement.ReplacementPolicy;
import org.clkernel.replacement.arc.ArcPolicy;
import org.clkernel.replacement.lirs.LirsPolicy;
import org.clkernel.replacement.lru.LruPolicy;
import org.clkernel.replacement.twoq.TwoQueuePolicy;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays the shared workload traces through ARC, LIRS and 2Q at every frame count of the
 * libCacheSim reference table (../shared/workloads/README.md) and compares the misses.
 *
 * <p>ARC and 2Q must give libCacheSim's counts to the unit: ARC's p is real-valued as in the paper
 * and a miss names its page to {@code evict}, so ARC adapts p to a ghost hit before REPLACE; that
 * needs no future, and ARC gives the same counts on a host that hides it, as a running system
 * does. 2Q takes a promoted page's identifier out of A1out before cutting A1out back to Kout, as
 * libCacheSim does. LIRS follows the paper where libCacheSim does not: on a hit to a resident HIR
 * block that is not in the stack S, libCacheSim first demotes the bottom LIR block to Q (evicting
 * Q's front when Q is full and leaving a frame free, so that the next new block becomes LIR),
 * while the paper only moves the block to the top of S and the end of Q. That costs or saves a few
 * dozen misses per trace; {@link #LIRS_TOLERANCE} bounds it. The tests skip when the workloads are not there.
 */
class AdaptivePolicyMissesTest {
    private static final Path WORKLOADS = Paths.get("../../../shared/workloads");
    private static final String OLTP = "pages/OLTP.lis.gz";
    private static final String CLOUD = "pages/cloudPhysicsIO.txt.gz";
    /** Relative difference allowed between this LIRS and libCacheSim's variant. */
    private static final double LIRS_TOLERANCE = 0.001;
    /** ARC may miss at most this much more than LRU on these traces. */
    private static final double ARC_OVER_LRU_MARGIN = 0.01;

    private static final Map<String, Trace> TRACES = new ConcurrentHashMap<>();

    /** libCacheSim's misses (page mode), from the workloads README: trace, frames, LRU, ARC, LIRS, 2Q. */
    private static final Object[][] TABLE = {
            {OLTP, 1000, 614023, 558130, 598066, 543682},
            {OLTP, 2000, 525910, 492945, 526116, 488973},
            {OLTP, 5000, 423702, 409065, 433091, 404707},
            {CLOUD, 1000, 94823, 94027, 94304, 94117},
            {CLOUD, 5000, 91527, 87770, 85289, 87879},
            {CLOUD, 20000, 72053, 64422, 58681, 72103},
    };

    private static final Map<String, Supplier<ReplacementPolicy>> POLICIES = new LinkedHashMap<>();
    static {
        POLICIES.put("arc", ArcPolicy::new);
        POLICIES.put("lirs", LirsPolicy::new);
        POLICIES.put("2q", TwoQueuePolicy::new);
    }

    @BeforeAll
    static void workloadsArePresent() {
        Assumptions.assumeTrue(Files.isRegularFile(WORKLOADS.resolve(OLTP)) && Files.isRegularFile(WORKLOADS.resolve(CLOUD)),
                "the shared workloads are not at " + WORKLOADS.toAbsolutePath().normalize());
    }

    static Stream<Arguments> referenceMisses() {
        List<Arguments> cases = new ArrayList<>();
        for (Object[] row : TABLE) {
            int column = 3;
            for (String policy : POLICIES.keySet()) {
                cases.add(Arguments.of(policy, row[0], row[1], row[column++]));
            }
        }
        return cases.stream();
    }

    static Stream<Arguments> arcMisses() {
        return Stream.of(TABLE).map(row -> Arguments.of(row[0], row[1], row[3]));
    }

    static Stream<Arguments> lruMisses() {
        return Stream.of(TABLE).map(row -> Arguments.of(row[0], row[1], row[2]));
    }

    @ParameterizedTest(name = "{0} on {1} with {2} frames: libCacheSim {3}")
    @MethodSource("referenceMisses")
    void missesMatchLibCacheSim(String policy, String trace, int frames, int expected) {
        ReplayResult result = new Simulation(trace(trace), frames).run(POLICIES.get(policy).get(), policy, null);
        long difference = result.misses() - expected;
        System.out.printf(Locale.ROOT, "%-4s %-22s %6d frames: %7d misses, libCacheSim %7d, difference %+d (%+.4f%%), %.1f M refs/s%n",
                policy, result.trace(), frames, result.misses(), expected, difference, 100.0 * difference / expected,
                result.referencesPerSecond() / 1e6);
        if (policy.equals("lirs")) {
            assertTrue(Math.abs(difference) <= LIRS_TOLERANCE * expected,
                    "LIRS misses " + result.misses() + " differ from libCacheSim's " + expected + " by more than " + LIRS_TOLERANCE * 100 + "%");
        } else {
            assertEquals(expected, result.misses(), policy + " misses");
        }
    }

    @ParameterizedTest(name = "arc on {0} with {1} frames, the future hidden: libCacheSim {2}")
    @MethodSource("arcMisses")
    void arcMissesMatchLibCacheSimWithoutTheFuture(String trace, int frames, int expected) {
        ReplayResult result = new Simulation(trace(trace), frames, false).run(new ArcPolicy(), "arc", null);
        assertEquals(expected, result.misses(), "ARC misses on a host that does not know the future");
    }

    @ParameterizedTest(name = "on {0} with {1} frames")
    @MethodSource("lruMisses")
    void arcNeverMissesMuchMoreThanLru(String trace, int frames, int libCacheSimLru) {
        ReplayResult lru = new Simulation(trace(trace), frames).run(new LruPolicy(), "lru", null);
        assertEquals(libCacheSimLru, lru.misses(), "LRU is exact: the yardstick itself is checked first");
        ReplayResult arc = new Simulation(trace(trace), frames).run(new ArcPolicy(), "arc", null);
        System.out.printf(Locale.ROOT, "arc vs lru %-22s %6d frames: %7d vs %7d misses (%+.2f%%)%n",
                arc.trace(), frames, arc.misses(), lru.misses(), 100.0 * (arc.misses() - lru.misses()) / lru.misses());
        assertTrue(arc.misses() <= lru.misses() * (1 + ARC_OVER_LRU_MARGIN),
                "ARC " + arc.misses() + " misses, LRU " + lru.misses());
    }

    private static Trace trace(String name) {
        return TRACES.computeIfAbsent(name, n -> {
            try {
                return Trace.read(WORKLOADS.resolve(n));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
