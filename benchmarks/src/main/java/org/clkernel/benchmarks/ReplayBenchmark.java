package org.clkernel.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.clkernel.api.paging.ReplayResult;
import org.clkernel.api.replacement.ReplacementPolicy;
import org.clkernel.paging.replay.Simulation;
import org.clkernel.paging.replay.Trace;
import org.clkernel.replacement.arc.ArcPolicy;
import org.clkernel.replacement.clock.ClockPolicy;
import org.clkernel.replacement.fifo.FifoPolicy;
import org.clkernel.replacement.lirs.LirsPolicy;
import org.clkernel.replacement.lru.LruPolicy;
import org.clkernel.replacement.opt.OptPolicy;
import org.clkernel.replacement.twoq.TwoQueuePolicy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Replay speed in sim mode: the whole OLTP trace (914,145 references, the ARC paper's trace from
 * the shared workloads) through a fresh policy instance at 2000 frames, as {@code vm:replay} runs
 * it. One operation is one reference, so the score is references per second. The trace is read
 * once, outside the measurement.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReplayBenchmark {
    static final int OLTP_REFERENCES = 914_145;
    static final int FRAMES = 2000;

    @Param({"fifo", "clock", "lru", "arc", "lirs", "2q", "opt"})
    String policy;

    private Trace trace;
    private Supplier<ReplacementPolicy> factory;

    @Setup
    public void load() throws IOException {
        Path oltp = Paths.get(System.getProperty("clkernel.workloads", "../shared/workloads"), "pages", "OLTP.lis.gz");
        if (!Files.isRegularFile(oltp)) {
            throw new IllegalStateException(oltp.toAbsolutePath() + " is missing: run from the repository root"
                    + " with shared/ beside it, or pass -Dclkernel.workloads=DIR");
        }
        trace = Trace.read(oltp);
        if (trace.length() != OLTP_REFERENCES) {
            throw new IllegalStateException("OLTP has " + trace.length() + " references, expected " + OLTP_REFERENCES);
        }
        factory = switch (policy) {
            case "fifo" -> FifoPolicy::new;
            case "clock" -> ClockPolicy::new;
            case "lru" -> LruPolicy::new;
            case "arc" -> ArcPolicy::new;
            case "lirs" -> LirsPolicy::new;
            case "2q" -> TwoQueuePolicy::new;
            case "opt" -> OptPolicy::new;
            default -> throw new IllegalArgumentException(policy);
        };
    }

    @Benchmark
    @OperationsPerInvocation(OLTP_REFERENCES)
    public long replay() {
        ReplayResult r = new Simulation(trace, FRAMES).run(factory.get(), policy, null);
        return r.misses();
    }
}
