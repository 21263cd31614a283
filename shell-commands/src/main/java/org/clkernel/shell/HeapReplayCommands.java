package org.clkernel.shell;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.clkernel.api.heap.HeapReplayReport;
import org.clkernel.api.heap.HeapReplayer;
import org.clkernel.api.heap.KernelHeap;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code heap:replay}: malloc-lab {@code .rep} traces replayed on a private heap with one strategy
 * or all of them, and synthetic traces written with {@code --generate}.
 */
@Component(service = HeapReplayCommands.class)
@GogoCommand(scope = "heap", function = {"replay"})
public class HeapReplayCommands {
    /** Traces at least this long print their progress. */
    static final long PROGRESS_FROM = 200_000;

    @Reference
    HeapReplayer replayer;

    @Reference
    KernelHeap heap;

    @Descriptor("replay a malloc-lab .rep trace on a private heap, or write one with --generate FAMILY")
    public Object replay(
            @Descriptor("strategy name, or 'all' (default: the best ranked)") @Parameter(names = {"-s", "--strategy"}, absentValue = "") String strategy,
            @Descriptor("run the heap's checks too (poison, quarantine, zero on free); without: placement alone") @Parameter(names = {"-c", "--checks"}, absentValue = "false", presentValue = "true") String checks,
            @Descriptor("operations between integrity checks (default: only at the end)") @Parameter(names = {"--check-every"}, absentValue = "0") String checkEvery,
            @Descriptor("write a synthetic trace of this family to FILE instead") @Parameter(names = {"-g", "--generate"}, absentValue = "") String family,
            @Descriptor("operations of a generated trace") @Parameter(names = {"-n", "--ops"}, absentValue = "20000") String ops,
            @Descriptor("seed of a generated trace") @Parameter(names = {"--seed"}, absentValue = "1") String seed,
            @Descriptor("the .rep trace to replay, or to write") String file) {
        return Commands.run("heap:replay", () -> {
            if (!family.isEmpty()) {
                return generate(family, ops, seed, file);
            }
            int every = (int) Args.number("check-every", checkEvery, 0, Integer.MAX_VALUE);
            boolean withChecks = Boolean.parseBoolean(checks);
            List<String> strategies = new ArrayList<>();
            if (strategy.equals("all")) {
                strategies.addAll(heap.strategies());
            } else {
                strategies.add(strategy.isEmpty() ? null : strategy);
            }
            Path path = Paths.get(file);
            if (!strategy.equals("all")) {
                return run(path, strategies.get(0), withChecks, every).format();
            }
            Table t = new Table("STRATEGY", ">OPS", ">PEAK LIVE", ">HIGH WATER", ">UTIL", ">M OPS/S", "RESULT");
            for (String s : strategies) {
                HeapReplayReport r = run(path, s, withChecks, every);
                t.row(s, r.operations(), r.peakLiveBytes(), r.highWaterBytes(),
                        String.format(Locale.ROOT, "%.3f", r.utilization()),
                        String.format(Locale.ROOT, "%.2f", r.targetOperationsPerSecond() / 1e6),
                        r.ok() ? "ok" : "FAILED " + r.failure());
            }
            return t.toString();
        });
    }

    @Descriptor("write a synthetic trace of a family as FAMILY.rep in the current directory")
    public Object replay(
            @Descriptor("the family") @Parameter(names = {"-g", "--generate"}, absentValue = "") String family,
            @Descriptor("operations of a generated trace") @Parameter(names = {"-n", "--ops"}, absentValue = "20000") String ops,
            @Descriptor("seed of a generated trace") @Parameter(names = {"--seed"}, absentValue = "1") String seed) {
        return Commands.run("heap:replay", () -> {
            if (family.isEmpty()) {
                throw new IllegalArgumentException("give a trace file to replay, or --generate FAMILY (one of "
                        + String.join(", ", replayer.families()) + ")");
            }
            return generate(family, ops, seed, family + ".rep");
        });
    }

    private String generate(String family, String ops, String seed, String file) {
        int n = (int) Args.number("ops", ops, 2, 50_000_000);
        long s = Args.number("seed", seed, 0, Long.MAX_VALUE);
        try {
            int written = replayer.generate(family, s, n, Paths.get(file));
            return String.format("wrote %s: %s trace, %d operations, seed %d", file, family, written, s);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private HeapReplayReport run(Path path, String strategy, boolean checks, int every) {
        PrintStream out = System.out;
        String name = strategy == null ? heap.strategies().get(0) : strategy;
        long[] first = {-1};
        LongConsumer progress = done -> {
            if (first[0] < 0) {
                first[0] = done; // the first call comes after about a tenth of the trace
            }
            if (first[0] * 10 >= PROGRESS_FROM) {
                out.printf("%s: %,d operations%n", name, done);
            }
        };
        try {
            return replayer.replay(path, strategy, checks, every, progress);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path + ": " + e, e);
        }
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object replay(String... other) {
        return Commands.usage("heap:replay", "[--strategy NAME|all] [--checks] [--check-every N] FILE.rep"
                + " | --generate FAMILY [--ops N] [--seed S] [FILE.rep]");
    }
}
