package org.clkernel.replacement.lecar;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import org.clkernel.replacement.support.TestHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Misses of LeCaR on the real traces at the frame counts of the reference table in
 * shared/workloads/README.md, printed next to that table's LRU, ARC, LIRS and 2Q (libCacheSim).
 * Each reference string is played on a {@link TestHost}, as a sim-mode replay does: a hit when the
 * page is resident, else a miss that evicts the policy's victim for it when the frames are full.
 * Only with {@code -Dlecar.measure=true}; the traces are read from {@code -Dlecar.workloads}
 * (default ../../../shared/workloads/pages, from the module's directory).
 */
@EnabledIfSystemProperty(named = "lecar.measure", matches = "true")
class LecarMissCountsTest {
    /** trace, frames, LRU, ARC, LIRS, 2Q: the reference table's rows. */
    private static final Object[][] ROWS = {
        {"OLTP.lis.gz", 1000, 614023, 558130, 598066, 543682},
        {"OLTP.lis.gz", 2000, 525910, 492945, 526116, 488973},
        {"OLTP.lis.gz", 5000, 423702, 409065, 433091, 404707},
        {"cloudPhysicsIO.txt.gz", 1000, 94823, 94027, 94304, 94117},
        {"cloudPhysicsIO.txt.gz", 5000, 91527, 87770, 85289, 87879},
        {"cloudPhysicsIO.txt.gz", 20000, 72053, 64422, 58681, 72103},
    };

    @Test
    void printsMissesNextToTheReferenceTable() throws IOException {
        Path dir = Path.of(System.getProperty("lecar.workloads", "../../../shared/workloads/pages"));
        System.out.println("| trace | frames | LeCaR | LRU | ARC | LIRS | 2Q | best of the four | LeCaR beats it |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        String loaded = null;
        long[] string = null;
        for (Object[] row : ROWS) {
            String trace = (String) row[0];
            if (!trace.equals(loaded)) {
                string = references(dir.resolve(trace));
                loaded = trace;
            }
            int frames = (Integer) row[1];
            long misses = new TestHost(new LecarPolicy(), frames, false, string).run();
            int best = Math.min(Math.min((Integer) row[2], (Integer) row[3]), Math.min((Integer) row[4], (Integer) row[5]));
            System.out.printf("| %s | %d | %d | %d | %d | %d | %d | %d | %s |%n", trace.substring(0, trace.indexOf('.')), frames,
                    misses, row[2], row[3], row[4], row[5], best, misses < best ? "yes" : "no");
        }
    }

    /**
     * The expanded reference string: a .lis line {@code start count ignore request} stands for
     * count pages from start; a .txt line is one page.
     */
    private static long[] references(Path file) throws IOException {
        boolean lis = file.getFileName().toString().contains(".lis");
        long[] pages = new long[1 << 20];
        int n = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file), 1 << 16), StandardCharsets.US_ASCII))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String t = line.trim();
                if (t.isEmpty()) {
                    continue;
                }
                String[] f = t.split("\\s+");
                long start = Long.parseLong(f[0]);
                long count = lis ? Long.parseLong(f[1]) : 1;
                for (long i = 0; i < count; i++) {
                    if (n == pages.length) {
                        pages = java.util.Arrays.copyOf(pages, n * 2);
                    }
                    pages[n++] = start + i;
                }
            }
        }
        return java.util.Arrays.copyOf(pages, n);
    }
}
