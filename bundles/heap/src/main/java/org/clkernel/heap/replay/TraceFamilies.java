package org.clkernel.heap.replay;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Synthetic traces of the patterns that tell heaps apart, so a heap can be measured on traces of
 * any length without shipping trace files. The patterns are those of the synthetic traces of the
 * CS:APP malloc lab (binary, coalescing, random, realloc) and, for {@code compiler}, the phase
 * behaviour that Wilson, Johnstone, Neely and Boles ("Dynamic Storage Allocation: A Survey and
 * Critical Review", 1995) found in real programs and found missing from random traces. The sizes
 * are the lab's where it has them and typical of the program kind otherwise; none is chosen to
 * suit one heap.
 *
 * <p>A trace is a pure function of family, seed and length ({@link SplittableRandom}); it keeps
 * the rules of {@link RepTrace}, frees every block by its end, as the lab's balanced traces do, and
 * has exactly {@code operations} operations, rounded up to an even number (a trace with no
 * reallocation always has as many frees as allocations). Its header suggests a heap of its peak
 * live bytes.
 *
 * <dl>
 * <dt>{@code binary}</dt>
 * <dd>The lab's binary-bal: n blocks of 64 bytes alternating with n of 448, then the 448-byte
 * blocks freed (in random order), then n blocks of 512 that fit none of the holes left, then all
 * freed in random order. The small size is a power of two and the large one is not, which defeats
 * buddy systems; a heap that mixes the sizes ends with 448-byte holes it cannot use. n is 2000, as
 * in the lab's trace (1.15 MB live at the peak), and rounds repeat to the length asked; the last
 * is shorter.</dd>
 * <dt>{@code coalescing}</dt>
 * <dd>The lab's coalescing-bal, generalised: rounds that allocate a run of 2 to 4 neighbouring
 * blocks of 4095 bytes, free them in random order, then allocate and free one block of their total
 * size, which only merged neighbours hold. 4095 is the lab's size, chosen, its notes say, to favour
 * heaps with no per-block header or footer.</dd>
 * <dt>{@code random}</dt>
 * <dd>After the lab's random-bal, random requests: sizes uniform in 1..4096, and at each step an
 * allocation with probability L / (L + live), else the free of a random live block, so the live
 * set ramps up and then hovers around L = operations / 10 blocks, at most 1000. A steady state and nothing more:
 * Wilson et al. warn that such traces miss the phases of real programs.</dd>
 * <dt>{@code realloc}</dt>
 * <dd>After the lab's realloc-bal: a buffer of 64..1024 bytes grows by realloc, by a fixed step of
 * 1..256 bytes (the lab's example grows by 128) or by a factor of 1.5 or 2 (as growable arrays
 * do), each buffer choosing one; between two growths a small block of 16..128 bytes is allocated
 * and the previous small one freed, so the block after the buffer is often taken. A buffer that
 * has reached its cap of 8, 16, 32 or 64 KiB is freed and a new one begun.</dd>
 * <dt>{@code compiler}</dt>
 * <dd>Phases, as a compiler's passes over one function each: 50..400 allocations a phase, 95% of
 * 8..128 bytes in steps of 8 and skewed to the small end (tree nodes, symbols), 5% of 129..1024
 * (strings, arrays). A third of the blocks are temporaries, each step freeing a random one with
 * probability 0.3; 2% live to the end of the trace (symbol table); the rest are freed all at once
 * when the phase ends, in allocation order, as an arena is. Wilson et al.'s "peaks".</dd>
 * </dl>
 */
public final class TraceFamilies {
    private static final List<String> FAMILIES = List.of("binary", "coalescing", "random", "realloc", "compiler");

    private TraceFamilies() {
    }

    /** The names {@link #generate} knows. */
    public static List<String> families() {
        return FAMILIES;
    }

    /**
     * A trace of {@code family}, the same for the same seed.
     *
     * @param operations the length, rounded up to an even number
     * @throws IllegalArgumentException for an unknown family or a negative length
     */
    public static RepTrace generate(String family, long seed, int operations) {
        if (operations < 0) {
            throw new IllegalArgumentException("operations " + operations + " is below 0");
        }
        if (operations == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("operations " + operations + " is above " + (Integer.MAX_VALUE - 1));
        }
        SplittableRandom rng = new SplittableRandom(seed);
        TraceBuilder b = new TraceBuilder(family + "#" + seed, operations + (operations & 1));
        switch (family) {
            case "binary" -> binary(b, rng);
            case "coalescing" -> coalescing(b, rng);
            case "random" -> random(b, rng, (operations + 1) / 2);
            case "realloc" -> realloc(b, rng);
            case "compiler" -> compiler(b, rng);
            default -> throw new IllegalArgumentException(
                    "unknown trace family \"" + family + "\": known are " + String.join(", ", FAMILIES));
        }
        b.freeAll(rng);
        return b.build();
    }

    private static void binary(TraceBuilder b, SplittableRandom rng) {
        while (b.left() >= 6) {
            int n = Math.min(2000, b.left() / 6);
            int[] large = new int[n];
            for (int i = 0; i < n; i++) {
                b.alloc(64);
                large[i] = b.alloc(448);
            }
            shuffle(large, rng);
            for (int id : large) {
                b.free(id);
            }
            for (int i = 0; i < n; i++) {
                b.alloc(512);
            }
            b.freeAll(rng);
        }
        b.pad(64);
    }

    private static void coalescing(TraceBuilder b, SplittableRandom rng) {
        final long unit = 4095;
        int[] run = new int[4];
        while (b.left() >= 6) {
            int k = Math.min(2 + rng.nextInt(3), (b.left() - 2) / 2);
            for (int i = 0; i < k; i++) {
                run[i] = b.alloc(unit);
            }
            for (int i = k; i > 0; i--) {
                int j = rng.nextInt(i);
                b.free(run[j]);
                run[j] = run[i - 1];
            }
            b.free(b.alloc(k * unit));
        }
        b.pad(unit);
    }

    private static void random(TraceBuilder b, SplittableRandom rng, int half) {
        int target = Math.max(1, Math.min(1000, half / 5));
        while (b.left() >= 2) {
            int live = b.live();
            if (live == 0 || rng.nextInt(target + live) < target) {
                b.alloc(1 + rng.nextInt(4096));
            } else {
                b.free(b.liveId(rng.nextInt(live)));
            }
        }
    }

    private static void realloc(TraceBuilder b, SplittableRandom rng) {
        int buffer = -1;
        int small = -1;
        long step = 0;
        double factor = 1;
        long cap = 0;
        while (true) {
            if (buffer < 0) {
                if (b.left() < 5) {
                    break;
                }
                buffer = b.alloc(64 + rng.nextInt(961));
                boolean fixed = rng.nextBoolean();
                step = fixed ? 1 + rng.nextInt(256) : 0;
                factor = fixed ? 1 : rng.nextBoolean() ? 1.5 : 2;
                cap = 8192L << rng.nextInt(4);
            }
            if (b.left() < 3) {
                break;
            }
            long size = b.size(buffer);
            b.realloc(buffer, Math.min(cap, step > 0 ? size + step : (long) Math.ceil(size * factor)));
            int next = b.alloc(16 + rng.nextInt(113));
            if (small >= 0) {
                b.free(small);
            }
            small = next;
            if (b.size(buffer) >= cap) {
                if (b.left() < 5) {
                    break;
                }
                b.free(buffer);
                buffer = -1;
            }
        }
        if (b.left() % 2 == 1) {
            // an odd budget is left only after a growth, so a small block is live
            b.realloc(small, 16 + rng.nextInt(113));
        }
        b.pad(16 + rng.nextInt(113));
    }

    private static void compiler(TraceBuilder b, SplittableRandom rng) {
        int[] phase = new int[400];
        boolean[] freed = new boolean[400];
        int[] temps = new int[400];
        while (b.left() >= 2) {
            int m = 50 + rng.nextInt(351);
            int count = 0;
            int tempCount = 0;
            while (count < m && b.left() >= 2) {
                long size = rng.nextInt(20) == 0 ? 129 + rng.nextInt(896) : 8 * (1 + (long) (16 * square(rng)));
                int id = b.alloc(size);
                double role = rng.nextDouble();
                if (role >= 0.02) {
                    freed[count] = false;
                    if (role < 0.35) {
                        temps[tempCount++] = count;
                    }
                    phase[count++] = id;
                }
                if (tempCount > 0 && rng.nextDouble() < 0.3) {
                    int t = rng.nextInt(tempCount);
                    freed[temps[t]] = true;
                    b.free(phase[temps[t]]);
                    temps[t] = temps[--tempCount];
                }
            }
            for (int i = 0; i < count; i++) {
                if (!freed[i]) {
                    b.free(phase[i]);
                }
            }
        }
    }

    /** A number in [0, 1) drawn so that small ones come more often. */
    private static double square(SplittableRandom rng) {
        double u = rng.nextDouble();
        return Math.min(u * u, 0.999);
    }

    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
