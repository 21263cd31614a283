package org.clkernel.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.clkernel.api.heap.HeapReplayReport;
import org.clkernel.api.heap.KernelHeap;
import org.clkernel.heap.ReplayService;

/**
 * Utilization (peak live payload / heap high-water mark) and replay speed of every placement
 * strategy on a generated trace of every family, as markdown tables: the replay's scratch heap
 * with the checks off, so the numbers are the placement's alone.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar org.clkernel.benchmarks.HeapUtilization [OPS] [SEED]}
 */
public final class HeapUtilization {
    private HeapUtilization() {
    }

    public static void main(String[] args) throws Exception {
        int ops = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        ReplayService replayer = new ReplayService();
        List<String> strategies = new ArrayList<>(List.of(KernelHeap.BUILTIN_STRATEGY));
        for (Object[] s : HeapBenchmark.STRATEGIES) {
            replayer.addStrategy(HeapBenchmark.service(s[2]), HeapBenchmark.properties(s));
            strategies.add((String) s[0]);
        }
        Path dir = Files.createTempDirectory("heap-traces");
        List<String> families = replayer.families();
        double[][] util = new double[families.size()][strategies.size()];
        double[][] speed = new double[families.size()][strategies.size()];
        for (int f = 0; f < families.size(); f++) {
            Path trace = dir.resolve(families.get(f) + ".rep");
            replayer.generate(families.get(f), seed, ops, trace);
            for (int s = 0; s < strategies.size(); s++) {
                replayer.replay(trace, strategies.get(s), false, 0, null); // warm-up
                HeapReplayReport r = replayer.replay(trace, strategies.get(s), false, 0, null);
                if (!r.ok()) {
                    throw new IllegalStateException(families.get(f) + " on " + strategies.get(s) + ": " + r.failure());
                }
                util[f][s] = r.utilization();
                speed[f][s] = r.targetOperationsPerSecond() / 1e6;
            }
        }
        System.out.printf("%d operations a trace, seed %d%n%n", ops, seed);
        table("utilization", families, strategies, util, "%.3f", true);
        System.out.println();
        table("M ops/s inside the heap", families, strategies, speed, "%.2f", false);
    }

    private static void table(String what, List<String> families, List<String> strategies, double[][] v, String format,
            boolean average) {
        StringBuilder head = new StringBuilder("| " + what + " |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String s : strategies) {
            head.append(' ').append(s).append(" |");
            rule.append("---|");
        }
        System.out.println(head);
        System.out.println(rule);
        double[] sum = new double[strategies.size()];
        for (int f = 0; f < families.size(); f++) {
            StringBuilder row = new StringBuilder("| " + families.get(f) + " |");
            for (int s = 0; s < strategies.size(); s++) {
                row.append(' ').append(String.format(Locale.ROOT, format, v[f][s])).append(" |");
                sum[s] += v[f][s];
            }
            System.out.println(row);
        }
        if (average) {
            StringBuilder row = new StringBuilder("| **average** |");
            for (double s : sum) {
                row.append(' ').append(String.format(Locale.ROOT, format, s / families.size())).append(" |");
            }
            System.out.println(row);
        }
    }
}
