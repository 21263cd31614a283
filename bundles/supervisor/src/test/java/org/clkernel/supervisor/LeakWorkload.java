package org.clkernel.supervisor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Kernel-like data on a real heap: linked lists and binary trees of heap blocks whose pointers are
 * stored in emulated RAM, each hung from a slot of a root area (direct-map pages registered with the
 * detector as the kernel's data). Some structures are then freed properly, and leaks are injected
 * among the live data by unlinking a node, the tail of a list, a subtree or a whole structure
 * without freeing it. The generator keeps its own model of the pointers it stored, so what is truly
 * leaked is known.
 *
 * <p>Payload words are chosen to look like real kernel data, not like uniformly random bits: mostly
 * small integers (counters, lengths, flags, ids), ASCII text (names) and zeros, as Linux kmemleak's
 * documentation expects of the memory it scans. A fraction {@code falsePointerRate} of payload words
 * holds an address some block had at some time (a stale pointer or a value that happens to look like
 * one), which is what makes a conservative scan miss a leak. A uniformly random 32-bit word would
 * point into the heap window (0xD0000000 to 0xF0000000) one time in eight and be unrealistically
 * often mistaken for a pointer; the rate here states how often that happens instead of hiding it.
 */
final class LeakWorkload {
    final BootedKernel kernel;
    final long rootArea;
    final int rootSlots;
    /** Pointer words of each live node, by address: what the node points to (0 for none). */
    final Map<Long, long[]> pointers = new HashMap<>();
    final Map<Long, Integer> sizes = new HashMap<>();
    /** What each root slot holds. */
    final long[] roots;
    /** Every address handed out, freed ones included: the source of stale pointers. */
    final List<Long> history = new ArrayList<>();
    final Set<Long> injected = new HashSet<>();
    int falsePointers;
    private final Random random;
    private final int site;

    /**
     * @param structures      lists and trees hung from the root area
     * @param leakFraction    about this fraction of live nodes is leaked
     * @param falsePointerRate the fraction of payload words that hold some block's address
     */
    LeakWorkload(BootedKernel kernel, long seed, int structures, double leakFraction, double falsePointerRate) {
        this.kernel = kernel;
        this.random = new Random(seed);
        this.site = kernel.heap.site("workload_node");
        this.rootSlots = structures;
        this.roots = new long[structures];
        int order = 0;
        while ((4096L << order) < 4L * structures) {
            order++;
        }
        this.rootArea = kernel.directMapPages(order);
        kernel.detector.addRoot("workload", rootArea, 4L * structures);
        for (int s = 0; s < structures; s++) {
            roots[s] = random.nextBoolean() ? list(3 + random.nextInt(28)) : tree(3 + random.nextInt(40));
        }
        churn(structures / 10);
        injectLeaks(leakFraction);
        writeMemory(falsePointerRate);
    }

    private long node(int pointerWords) {
        int size = 4 * pointerWords + 4 * (2 + random.nextInt(46));
        long a = kernel.heap.kmalloc(size, 1 + random.nextInt(8), site);
        if (a == 0) {
            throw new IllegalStateException("heap exhausted");
        }
        pointers.put(a, new long[pointerWords]);
        sizes.put(a, size);
        history.add(a);
        return a;
    }

    private long list(int length) {
        long head = 0;
        for (int i = 0; i < length; i++) {
            long n = node(1);
            pointers.get(n)[0] = head;
            head = n;
        }
        return head;
    }

    private long tree(int count) {
        if (count == 0) {
            return 0;
        }
        long n = node(2);
        int left = random.nextInt(count);
        pointers.get(n)[0] = tree(left);
        pointers.get(n)[1] = tree(count - 1 - left);
        return n;
    }

    /** Frees whole structures properly: their addresses live on only as stale values. */
    private void churn(int count) {
        for (int i = 0; i < count; i++) {
            int s = random.nextInt(rootSlots);
            freeAll(roots[s]);
            roots[s] = random.nextBoolean() ? list(3 + random.nextInt(28)) : tree(3 + random.nextInt(40));
        }
    }

    private void freeAll(long n) {
        if (n == 0) {
            return;
        }
        for (long child : pointers.remove(n)) {
            freeAll(child);
        }
        sizes.remove(n);
        kernel.heap.kfree(n);
    }

    /**
     * Cuts edges until about {@code fraction} of the live nodes is unreachable. Every node has one
     * parent (no structure shares nodes), so cutting the edge to a node leaks exactly what hangs
     * below it, and the count is kept without walking the whole model each time.
     */
    private void injectLeaks(double fraction) {
        int target = (int) Math.round(fraction * pointers.size());
        int leaked = 0;
        while (leaked < target) {
            int s = random.nextInt(rootSlots);
            if (roots[s] == 0) {
                continue;
            }
            if (random.nextInt(20) == 0) {
                leaked += below(roots[s]);         // a whole structure dropped
                roots[s] = 0;
                continue;
            }
            // walk down a random path and cut one edge on it
            long parent = roots[s];
            int depth = 1 + random.nextInt(12);
            for (int d = 0; d < depth; d++) {
                long[] p = pointers.get(parent);
                int slot = random.nextInt(p.length);
                long child = p[slot];
                if (child == 0) {
                    break;
                }
                if (d == depth - 1 || random.nextInt(4) == 0) {
                    long[] c = pointers.get(child);
                    // a list node is unlinked alone half the time, else the tail from it is cut off
                    if (c.length == 1 && random.nextBoolean()) {
                        p[slot] = c[0];
                        leaked++;
                    } else {
                        leaked += below(child);
                        p[slot] = 0;
                    }
                    break;
                }
                parent = child;
            }
        }
        injected.addAll(leaked());
    }

    /** Nodes in the structure hanging from {@code n}, itself included. */
    private int below(long n) {
        int count = 0;
        List<Long> work = new ArrayList<>(List.of(n));
        while (!work.isEmpty()) {
            count++;
            for (long c : pointers.get(work.remove(work.size() - 1))) {
                if (c != 0) {
                    work.add(c);
                }
            }
        }
        return count;
    }

    /** The live nodes the model cannot reach from the root area. */
    Set<Long> leaked() {
        Set<Long> reached = new HashSet<>();
        List<Long> work = new ArrayList<>();
        for (long r : roots) {
            if (r != 0 && reached.add(r)) {
                work.add(r);
            }
        }
        while (!work.isEmpty()) {
            for (long c : pointers.get(work.remove(work.size() - 1))) {
                if (c != 0 && reached.add(c)) {
                    work.add(c);
                }
            }
        }
        Set<Long> leaked = new HashSet<>(pointers.keySet());
        leaked.removeAll(reached);
        return leaked;
    }

    private void writeMemory(double falsePointerRate) {
        for (int s = 0; s < rootSlots; s++) {
            kernel.write32(rootArea + 4L * s, roots[s]);
        }
        for (Map.Entry<Long, long[]> e : pointers.entrySet()) {
            long a = e.getKey();
            long[] p = e.getValue();
            for (int i = 0; i < p.length; i++) {
                kernel.write32(a + 4L * i, p[i]);
            }
            int words = sizes.get(a) / 4;
            for (int i = p.length; i < words; i++) {
                kernel.write32(a + 4L * i, payloadWord(falsePointerRate));
            }
        }
    }

    private long payloadWord(double falsePointerRate) {
        if (random.nextDouble() < falsePointerRate) {
            falsePointers++;
            return history.get(random.nextInt(history.size())) + 8L * random.nextInt(2);
        }
        int kind = random.nextInt(100);
        if (kind < 45) {
            return random.nextInt(random.nextBoolean() ? 16 : 4096);     // counters, lengths, flags
        }
        if (kind < 75) {                                                // four characters of a name
            long w = 0;
            for (int b = 0; b < 4; b++) {
                w |= (long) ('a' + random.nextInt(26)) << (8 * b);
            }
            return w;
        }
        if (kind < 95) {
            return 0;
        }
        return random.nextBoolean() ? 0xFFFFFFFFL : random.nextInt(1 << 20);   // -1, larger ids
    }

    /** Precision and recall of a set of reported addresses against the injected truth. */
    record Score(int reported, int truth, int hits, double precision, double recall) {
        static Score of(Set<Long> reported, Set<Long> truth) {
            int hits = 0;
            for (long a : reported) {
                if (truth.contains(a)) {
                    hits++;
                }
            }
            return new Score(reported.size(), truth.size(), hits,
                    reported.isEmpty() ? 1 : (double) hits / reported.size(),
                    truth.isEmpty() ? 1 : (double) hits / truth.size());
        }
    }
}
