package org.clkernel.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.clkernel.api.heap.HeapReplayReport;
import org.clkernel.api.heap.PlacementStrategy;
import org.clkernel.heap.bestfit.BestFitStrategy;
import org.clkernel.heap.tlsf.TlsfStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replays of generated traces on the scratch heap, the kernel heap's code on arrays. */
class ReplayServiceTest {
    @TempDir
    Path dir;

    private final ReplayService replayer = new ReplayService();

    private void install(String name, int ranking, Supplier<PlacementStrategy> make) {
        replayer.addStrategy(Installed.of(make), Map.of(PlacementStrategy.NAME, name, "service.ranking", ranking));
    }

    private Path trace(String family, int operations) throws IOException {
        Path file = dir.resolve(family + ".rep");
        assertEquals(operations, replayer.generate(family, 42, operations, file));
        return file;
    }

    @Test
    void everyFamilyRunsThroughOnEveryStrategyWithAndWithoutChecks() throws IOException {
        install("best-fit", 10, BestFitStrategy::new);
        install("tlsf", 20, TlsfStrategy::new);
        for (String family : replayer.families()) {
            Path file = trace(family, 4000);
            for (String strategy : List.of("first-fit", "best-fit", "tlsf")) {
                for (boolean checks : new boolean[] {false, true}) {
                    HeapReplayReport r = replayer.replay(file, strategy, checks, 500, null);
                    assertNull(r.failure(), family + " on " + strategy + ": " + r.failure());
                    assertEquals(4000, r.operations());
                    assertTrue(r.utilization() > 0.05 && r.utilization() <= 1, family + " " + r.utilization());
                }
            }
        }
    }

    @Test
    void theBestRankedServesWhenNoneIsNamedAndProgressIsReported() throws IOException {
        install("tlsf", 20, TlsfStrategy::new);
        List<Long> progress = new ArrayList<>();
        HeapReplayReport r = replayer.replay(trace("random", 2000), null, false, 0, progress::add);
        assertNull(r.failure());
        assertEquals(2000L, progress.get(progress.size() - 1));
    }

    @Test
    void anUnknownStrategyIsOneLine() throws IOException {
        Path file = trace("binary", 100);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> replayer.replay(file, "nope", false, 0, null));
        assertEquals("no placement strategy named 'nope' is installed", e.getMessage());
    }

    @Test
    void aStrategyThatFailsDuringAReplayIsReportedAndTheReplayStillRunsThrough() throws IOException {
        install("broken", 50, () -> new StrategySwapTest.Answering(-1));
        HeapReplayReport r = replayer.replay(trace("compiler", 1000), "broken", false, 0, null);
        assertEquals(1000, r.operations(), "first fit took over and finished the trace");
        assertEquals("broken failed and first fit took over: lost its index", r.failure());
    }

    @Test
    void aBadTraceNamesItsLine() throws IOException {
        Path file = dir.resolve("bad.rep");
        Files.writeString(file, "0\n1\n1\n1\na 0 x\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> replayer.replay(file, "first-fit", false, 0, null));
        assertTrue(e.getMessage().startsWith("bad.rep line 5: "), e.getMessage());
    }
}
