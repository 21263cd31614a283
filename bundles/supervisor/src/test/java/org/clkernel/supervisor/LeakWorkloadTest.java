package org.clkernel.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.stream.Collectors;

import org.clkernel.api.supervisor.LeakReport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scan against injected leaks among live kernel-like data, scored by precision and recall.
 *
 * <p>Precision stays 1: the scan is conservative, so a reported block is one no word reaches. Recall
 * depends on how many payload words hold some block's address: each such word that lands in a leaked
 * block keeps it, and everything hanging below it. Measured on 1000 structures (about 19,400 blocks,
 * 5% leaked), recall is 0.960 at worst over seeds 1 to 5 with one such word in 10,000 and 0.84 with
 * one in 1,000 (benchmarks/README.md, "Leak scan"). The 0.95 target is asserted at the first rate:
 * on a 32-bit kernel, integers and text never fall in the heap window, so a look-alike is a leftover
 * real address, which live data rarely keeps.
 */
class LeakWorkloadTest {
    /** One payload word in ten thousand holds some block's address: a stale pointer or a look-alike. */
    static final double FALSE_POINTER_RATE = 1e-4;

    static Set<Long> reported(LeakReport report) {
        return report.leaks().stream().map(LeakReport.Leak::address).collect(Collectors.toSet());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void precisionAndRecallAreAtLeast95Percent(long seed) {
        BootedKernel k = new BootedKernel(64);
        LeakWorkload w = new LeakWorkload(k, seed, 1000, 0.05, FALSE_POINTER_RATE);
        LeakReport report = k.detector.scan();
        LeakWorkload.Score score = LeakWorkload.Score.of(reported(report), w.injected);
        assertTrue(score.truth() > 0, "leaks were injected");
        assertTrue(score.precision() >= 0.95, score.toString());
        assertTrue(score.recall() >= 0.95, score.toString());
        assertEquals(w.pointers.size() - score.reported(), report.blocksScanned(), "every other block was scanned");
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void withoutFalsePointersTheReportIsExact(long seed) {
        BootedKernel k = new BootedKernel();
        LeakWorkload w = new LeakWorkload(k, seed, 200, 0.05, 0);
        assertEquals(w.injected, reported(k.detector.scan()));
    }

    @ParameterizedTest
    @ValueSource(longs = {21, 22})
    void manyFalsePointersCostRecallButNeverPrecision(long seed) {
        BootedKernel k = new BootedKernel();
        LeakWorkload w = new LeakWorkload(k, seed, 200, 0.05, 0.01);
        Set<Long> reported = reported(k.detector.scan());
        assertTrue(w.injected.containsAll(reported), "only leaked blocks are reported");
        assertTrue(reported.size() < w.injected.size(), "some leaks are kept by look-alike pointers");
    }
}
