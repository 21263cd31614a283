package org.clkernel.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.clkernel.api.supervisor.LeakReport;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

class LeakPropertiesTest {

    /**
     * A graph: block sizes in words; edges {from, word, to, offset}, where the word of block
     * {@code from} holds the address of block {@code to} plus {@code offset} bytes (an interior
     * pointer when it is not 0); root slots pointing at blocks; payload words small integers only.
     */
    record Graph(List<Integer> words, List<List<Integer>> edges, List<Integer> rootTargets) {
    }

    @Provide
    Arbitrary<Graph> graphs() {
        return Arbitraries.integers().between(2, 24).list().ofMinSize(1).ofMaxSize(40).flatMap(words -> {
            int n = words.size();
            Arbitrary<List<Integer>> edge = Combinators.combine(Arbitraries.integers().between(0, n - 1),
                    Arbitraries.integers().between(0, 23), Arbitraries.integers().between(0, n - 1),
                    Arbitraries.integers().between(0, 7)).as(List::of);
            Arbitrary<List<List<Integer>>> edges = edge.list().ofMaxSize(3 * n);
            Arbitrary<List<Integer>> roots = Arbitraries.integers().between(0, n - 1).list().ofMaxSize(4);
            return Combinators.combine(edges, roots).as((e, r) -> new Graph(words, e, r));
        });
    }

    @Property(tries = 500)
    void theReportIsExactlyWhatNoRootReaches(@ForAll("graphs") Graph g) {
        BootedKernel k = new BootedKernel();
        int n = g.words().size();
        long[] address = new long[n];
        for (int i = 0; i < n; i++) {
            address[i] = k.heap.kmalloc(4L * g.words().get(i), 3, 0);
            for (int w = 0; w < g.words().get(i); w++) {
                k.write32(address[i] + 4L * w, (i * 31 + w) & 0xFFF);      // no word looks like a pointer
            }
        }
        // the last edge written to a word is the one it holds
        long[][] held = new long[n][];
        int[][] target = new int[n][];
        for (int i = 0; i < n; i++) {
            target[i] = new int[g.words().get(i)];
            java.util.Arrays.fill(target[i], -1);
        }
        for (List<Integer> e : g.edges()) {
            int from = e.get(0), to = e.get(2);
            int word = e.get(1) % g.words().get(from);
            int offset = e.get(3) * 4 % (4 * g.words().get(to));
            k.write32(address[from] + 4L * word, address[to] + offset);
            target[from][word] = to;
        }
        long data = k.directMapPages(0);
        k.detector.addRoot("data", data, 64);
        for (int r = 0; r < g.rootTargets().size(); r++) {
            k.write32(data + 4L * r, address[g.rootTargets().get(r)]);
        }

        Set<Integer> reached = new HashSet<>();
        ArrayDeque<Integer> queue = new ArrayDeque<>(g.rootTargets());
        reached.addAll(g.rootTargets());
        while (!queue.isEmpty()) {
            for (int t : target[queue.poll()]) {
                if (t >= 0 && reached.add(t)) {
                    queue.add(t);
                }
            }
        }
        Set<Long> expected = new HashSet<>();
        for (int i = 0; i < n; i++) {
            if (!reached.contains(i)) {
                expected.add(address[i]);
            }
        }
        LeakReport report = k.detector.scan();
        assertEquals(expected, LeakWorkloadTest.reported(report));
        assertEquals(reached.size(), report.blocksScanned());
    }
}
