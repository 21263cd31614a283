package org.clkernel.slab;

import static org.clkernel.slab.BootedSlab.physical;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import org.clkernel.api.paging.KernelLayout;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.slab.SlabCache;
import org.clkernel.api.slab.SlabCacheStats;

/**
 * Runs random sequences of cache creations, allocations, frees, refused frees (a second free, an
 * address inside an object, an object freed into another cache), reaps and re-attaches on the
 * slab allocator and on a reference model (the live objects of each cache, each with its fill
 * byte) in lockstep. After every step:
 * <ul>
 * <li>no address is live twice; every live object is aligned, in the direct map, inside a slab of
 *     its own cache and of no other, and holds its fill byte in every byte;</li>
 * <li>each cache's allocated objects are the model's, its slabs hold them, and check() is ok.</li>
 * </ul>
 * At the end every object is freed, a reap gives back every slab, and the kernel holds as many
 * frames as after the first start.
 *
 * <p>Frees on a second thread and bursts of allocations and frees leave objects in magazines (the
 * threads' and the depot's), so re-attaches happen while magazines hold objects: the new instance
 * must count exactly the model's objects as allocated and lose none of the cached ones.
 */
class SlabPropertiesTest {

    sealed interface Op permits Create, Alloc, Free, FreeAgain, FreeInside, FreeElsewhere, Reap, Reattach, FreeOnOtherThread,
            Churn {
    }

    /** A free on a second thread, so that the object waits in that thread's magazine. */
    record FreeOnOtherThread(int pick) implements Op {
    }

    /** Allocates and frees a burst of objects, filling magazines and the depot. */
    record Churn(int cache, int count) implements Op {
    }

    record Create(int size, int alignShift) implements Op {
    }

    record Alloc(int cache, int fill) implements Op {
    }

    record Free(int pick) implements Op {
    }

    record FreeAgain(int pick) implements Op {
    }

    record FreeInside(int pick, int offset) implements Op {
    }

    record FreeElsewhere(int pick, int cache) implements Op {
    }

    record Reap() implements Op {
    }

    record Reattach() implements Op {
    }

    record Live(String cache, byte fill) {
    }

    @Property(tries = 100)
    void everyStepAgreesWithTheReferenceModel(@ForAll("runs") List<Op> run) {
        BootedSlab b = new BootedSlab(8);
        java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            run(b, run, other);
        } finally {
            other.shutdownNow();
        }
    }

    private void run(BootedSlab b, List<Op> run, java.util.concurrent.ExecutorService other) {
        long baseline = b.frames.framesOwned(FrameAllocator.KERNEL);
        Map<Long, Live> live = new LinkedHashMap<>();
        List<Long> freed = new ArrayList<>();
        int created = 0;
        for (Op op : run) {
            List<SlabCache> caches = b.slab.caches();
            if (op instanceof Create c) {
                b.slab.create("c" + created++, c.size(), 1 << c.alignShift());
            } else if (op instanceof Alloc a) {
                SlabCache c = caches.get(a.cache() % caches.size());
                long address = c.alloc();
                if (address != 0) {
                    assertFalse(live.containsKey(address), () -> String.format("0x%x handed out twice", address));
                    byte[] fill = new byte[c.objectSize()];
                    Arrays.fill(fill, (byte) a.fill());
                    b.ram.write(physical(address), fill, 0, fill.length);
                    live.put(address, new Live(c.name(), (byte) a.fill()));
                    freed.remove(Long.valueOf(address));
                }
            } else if (op instanceof Free f) {
                if (!live.isEmpty()) {
                    long address = pick(live, f.pick());
                    b.slab.cache(live.remove(address).cache()).orElseThrow().free(address);
                    freed.add(address);
                }
            } else if (op instanceof FreeAgain f) {
                if (!freed.isEmpty()) {
                    long address = freed.get(f.pick() % freed.size());
                    SlabCache c = cacheOwning(caches, address);
                    // its slab may have been reaped and its frames reused by a cache that handed the address out again
                    if (c != null && !live.containsKey(address)) {
                        assertThrows(IllegalArgumentException.class, () -> c.free(address));
                    }
                }
            } else if (op instanceof FreeInside f) {
                if (!live.isEmpty()) {
                    long address = pick(live, f.pick());
                    SlabCache c = b.slab.cache(live.get(address).cache()).orElseThrow();
                    assertThrows(IllegalArgumentException.class, () -> c.free(address + f.offset()));
                }
            } else if (op instanceof FreeElsewhere f) {
                if (!live.isEmpty()) {
                    long address = pick(live, f.pick());
                    SlabCache c = caches.get(f.cache() % caches.size());
                    if (!c.name().equals(live.get(address).cache())) {
                        assertThrows(IllegalArgumentException.class, () -> c.free(address));
                    }
                }
            } else if (op instanceof Reap) {
                b.slab.reap();
                for (SlabCache c : b.slab.caches()) {
                    assertEquals(c.stats().activeSlabs(), c.stats().numSlabs());
                }
            } else if (op instanceof Reattach) {
                b.restart();
            } else if (op instanceof FreeOnOtherThread f) {
                if (!live.isEmpty()) {
                    long address = pick(live, f.pick());
                    SlabCache c = b.slab.cache(live.remove(address).cache()).orElseThrow();
                    try {
                        other.submit(() -> c.free(address)).get();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                    freed.add(address);
                }
            } else if (op instanceof Churn ch) {
                SlabCache c = caches.get(ch.cache() % caches.size());
                List<Long> burst = new ArrayList<>();
                for (int i = 0; i < ch.count(); i++) {
                    long address = c.alloc();
                    if (address != 0) {
                        assertFalse(live.containsKey(address), () -> String.format("0x%x handed out twice", address));
                        assertFalse(burst.contains(address), () -> String.format("0x%x handed out twice", address));
                        burst.add(address);
                    }
                }
                burst.forEach(c::free);
                freed.addAll(burst);
            }
            agree(b, live);
        }
        for (Map.Entry<Long, Live> e : live.entrySet()) {
            b.slab.cache(e.getValue().cache()).orElseThrow().free(e.getKey());
        }
        b.slab.reap();
        assertEquals(baseline, b.frames.framesOwned(FrameAllocator.KERNEL));
        b.assertIntact();
        assertTrue(b.frames.check().isOk());
    }

    private static long pick(Map<Long, Live> live, int pick) {
        return live.keySet().stream().skip(pick % live.size()).findFirst().orElseThrow();
    }

    private static SlabCache cacheOwning(List<SlabCache> caches, long address) {
        return caches.stream().filter(c -> c.owns(address)).findFirst().orElse(null);
    }

    private static void agree(BootedSlab b, Map<Long, Live> live) {
        Map<String, Integer> perCache = new HashMap<>();
        for (Map.Entry<Long, Live> e : live.entrySet()) {
            long address = e.getKey();
            SlabCache c = b.slab.cache(e.getValue().cache()).orElseThrow();
            perCache.merge(c.name(), 1, Integer::sum);
            assertEquals(0, address % c.align());
            assertTrue(address >= KernelLayout.DIRECT_MAP && address < KernelLayout.DIRECT_MAP + KernelLayout.DIRECT_MAP_MAX);
            for (SlabCache other : b.slab.caches()) {
                assertEquals(other == c, other.owns(address), other.name());
            }
            byte[] contents = new byte[c.objectSize()];
            b.ram.read(physical(address), contents, 0, contents.length);
            for (int i = 0; i < contents.length; i++) {
                assertEquals(e.getValue().fill(), contents[i], String.format("byte %d of 0x%x", i, address));
            }
        }
        for (SlabCache c : b.slab.caches()) {
            SlabCacheStats s = c.stats();
            assertEquals(perCache.getOrDefault(c.name(), 0), (int) s.activeObjs(), c.name());
            assertTrue(s.activeObjs() <= s.numObjs() && s.numObjs() == s.numSlabs() * s.objPerSlab());
            assertTrue(s.activeSlabs() * s.objPerSlab() >= s.activeObjs());
        }
        assertNotEquals(null, b.slab.check());
        b.assertIntact();
        assertTrue(b.slab.findings().isEmpty(), () -> b.slab.findings().toString());
    }

    @Provide
    Arbitrary<List<Op>> runs() {
        Arbitrary<Integer> any = Arbitraries.integers().between(0, 1 << 20);
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, Combinators.combine(Arbitraries.integers().between(1, 700),
                        Arbitraries.integers().between(0, 7)).as(Create::new)),
                net.jqwik.api.Tuple.of(12, Combinators.combine(any, Arbitraries.integers().between(0, 255)).as(Alloc::new)),
                net.jqwik.api.Tuple.of(7, any.map(Free::new)),
                net.jqwik.api.Tuple.of(2, any.map(FreeAgain::new)),
                net.jqwik.api.Tuple.of(2, Combinators.combine(any, Arbitraries.integers().between(1, 8)).as(FreeInside::new)),
                net.jqwik.api.Tuple.of(2, Combinators.combine(any, any).as(FreeElsewhere::new)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Reap())),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(new Reattach())),
                net.jqwik.api.Tuple.of(3, any.map(FreeOnOtherThread::new)),
                net.jqwik.api.Tuple.of(1, Combinators.combine(any, Arbitraries.integers().between(1, 100)).as(Churn::new)));
        return op.list().ofMinSize(1).ofMaxSize(80);
    }
}
