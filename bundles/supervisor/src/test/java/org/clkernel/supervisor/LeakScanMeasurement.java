package org.clkernel.supervisor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.clkernel.api.supervisor.LeakReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Precision, recall and time of the scan on generated workloads, written as a Markdown table to
 * {@code target/leak-scan.md}. Runs only when asked:
 * {@code mvn -o -q verify -pl <the bundles up to supervisor> -Dtest=LeakScanMeasurement
 * -Dsurefire.failIfNoSpecifiedTests=false -Dleakscan.measure=true}.
 */
@EnabledIfSystemProperty(named = "leakscan.measure", matches = "true")
class LeakScanMeasurement {
    private static final long[] SEEDS = {1, 2, 3, 4, 5};

    @Test
    void measure() throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("| structures | live blocks | false-pointer rate | leaks injected (mean) | precision (min / mean) "
                + "| recall (min / mean) | blocks scanned | bytes scanned | scan time (median of 5) |");
        lines.add("|---|---|---|---|---|---|---|---|---|");
        for (int structures : new int[] {200, 1000, 4000}) {
            for (double rate : new double[] {0, 1e-4, 1e-3, 1e-2}) {
                double pMin = 1, pSum = 0, rMin = 1, rSum = 0, truth = 0;
                long blocks = 0, scanned = 0, bytes = 0;
                List<Long> times = new ArrayList<>();
                for (long seed : SEEDS) {
                    BootedKernel k = new BootedKernel(128);
                    LeakWorkload w = new LeakWorkload(k, seed, structures, 0.05, rate);
                    LeakReport report = null;
                    for (int i = 0; i < 5; i++) {
                        report = k.detector.scan();
                        times.add(report.nanos());
                    }
                    var score = LeakWorkload.Score.of(LeakWorkloadTest.reported(report), w.injected);
                    pMin = Math.min(pMin, score.precision());
                    rMin = Math.min(rMin, score.recall());
                    pSum += score.precision();
                    rSum += score.recall();
                    truth += score.truth();
                    blocks += w.pointers.size();
                    scanned += report.blocksScanned();
                    bytes += report.bytesScanned();
                }
                times.sort(null);
                int n = SEEDS.length;
                lines.add(String.format("| %d | %d | %s | %.0f | %.3f / %.3f | %.3f / %.3f | %d | %d | %.2f ms |",
                        structures, blocks / n, rate == 0 ? "0" : String.valueOf(rate), truth / n, pMin, pSum / n,
                        rMin, rSum / n, scanned / n, bytes / n, times.get(times.size() / 2) / 1e6));
                System.out.println(lines.get(lines.size() - 1));
            }
        }
        Files.write(Path.of("target", "leak-scan.md"), lines);
    }
}
