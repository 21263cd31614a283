package org.clkernel.slab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.slab.SlabCache;
import org.junit.jupiter.api.Test;

/**
 * The magazine layer under threads: objects handed from thread to thread (freed into another
 * thread's magazine), frees of one object racing on two threads, and deactivation while threads
 * allocate and free.
 */
class SlabMagazineStressTest {

    /** Runs each body on its own thread and fails with the first thing any of them threw. */
    private static void runAll(List<Runnable> bodies) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (Runnable body : bodies) {
            threads.add(new Thread(() -> {
                try {
                    body.run();
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertNull(failure.get(), () -> String.valueOf(failure.get()));
    }

    @Test
    void objectsPassedBetweenThreadsAreNeverHandedOutTwiceAndAllComeBack() throws InterruptedException {
        BootedSlab b = new BootedSlab(64);
        long baseline = b.frames.framesOwned(FrameAllocator.KERNEL);
        List<SlabCache> caches = List.of(b.slab.cache("kmalloc-64").orElseThrow(), b.slab.create("mixed", 200, 16),
                b.slab.cache("kmalloc-4096").orElseThrow());
        ConcurrentHashMap<Long, Integer> live = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<long[]> handed = new ConcurrentLinkedQueue<>();
        AtomicInteger allocations = new AtomicInteger();
        List<Runnable> bodies = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int id = t;
            bodies.add(() -> {
                Random random = new Random(id);
                List<long[]> mine = new ArrayList<>();
                for (int step = 0; step < 30_000; step++) {
                    int what = random.nextInt(10);
                    if (what < 5 && mine.size() < 300) {
                        int c = random.nextInt(caches.size());
                        long a = caches.get(c).alloc();
                        assertTrue(a != 0, "out of memory");
                        allocations.incrementAndGet();
                        Integer other = live.putIfAbsent(a, id);
                        if (other != null) {
                            throw new AssertionError(String.format("0x%x handed to thread %d while thread %d holds it", a, id, other));
                        }
                        int stamp = id << 24 | step;
                        b.ram.write32(BootedSlab.physical(a), stamp);
                        mine.add(new long[] {a, c, stamp});
                    } else if (what < 7 && !mine.isEmpty() && handed.size() < 500) {
                        handed.add(mine.remove(random.nextInt(mine.size()))); // another thread frees it
                    } else {
                        long[] o = what < 9 ? handed.poll() : null;
                        if (o == null && !mine.isEmpty()) {
                            o = mine.remove(random.nextInt(mine.size()));
                        }
                        if (o != null) {
                            assertEquals((int) o[2], b.ram.read32(BootedSlab.physical(o[0])));
                            live.remove(o[0]);
                            caches.get((int) o[1]).free(o[0]);
                        }
                    }
                }
                for (long[] o : mine) {
                    live.remove(o[0]);
                    caches.get((int) o[1]).free(o[0]);
                }
            });
        }
        runAll(bodies);
        assertEquals(live.size(), caches.stream().mapToLong(c -> c.stats().activeObjs()).sum());
        assertEquals(handed.size(), live.size());
        b.assertIntact();
        for (long[] o : handed) {
            caches.get((int) o[1]).free(o[0]);
        }
        for (SlabCache c : caches) {
            assertEquals(0, c.stats().activeObjs(), c.name());
        }
        b.slab.reap(); // the workers are gone: every magazine of theirs and every depot is drained
        for (SlabCache c : caches) {
            assertEquals(0, c.stats().numSlabs(), c.name());
        }
        assertEquals(baseline, b.frames.framesOwned(FrameAllocator.KERNEL));
        assertTrue(allocations.get() > 20_000, allocations + " allocations");
        assertTrue(b.slab.findings().isEmpty(), () -> b.slab.findings().toString());
        b.assertIntact();
    }

    @Test
    void ofTwoThreadsFreeingTheSameObjectExactlyOneSucceeds() throws Exception {
        BootedSlab b = new BootedSlab(16);
        SlabCache c = b.slab.cache("kmalloc-64").orElseThrow();
        int rounds = 2000;
        long[] objects = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            objects[i] = c.alloc();
        }
        CyclicBarrier start = new CyclicBarrier(2);
        AtomicInteger freed = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<Runnable> bodies = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            bodies.add(() -> {
                for (int i = 0; i < rounds; i++) {
                    try {
                        start.await();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                    try {
                        c.free(objects[i]);
                        freed.incrementAndGet();
                    } catch (IllegalArgumentException e) {
                        assertTrue(e.getMessage().endsWith("the object is already free (a double free)"), e.getMessage());
                        refused.incrementAndGet();
                    }
                }
            });
        }
        runAll(bodies);
        assertEquals(rounds, freed.get());
        assertEquals(rounds, refused.get());
        assertEquals(0, c.stats().activeObjs());
        // and a free on this thread of an object sitting in another thread's magazine is refused
        for (long a : objects) {
            assertThrows(IllegalArgumentException.class, () -> c.free(a));
        }
        b.assertIntact();
    }

    @Test
    void deactivationWhileThreadsAllocateLosesNoObject() throws InterruptedException {
        BootedSlab b = new BootedSlab(16);
        long baseline = b.frames.framesOwned(FrameAllocator.KERNEL);
        SlabService first = b.slab;
        List<SlabCache> caches = List.of(first.cache("kmalloc-64").orElseThrow(), first.cache("kmalloc-512").orElseThrow());
        ConcurrentLinkedQueue<long[]> held = new ConcurrentLinkedQueue<>();
        CyclicBarrier running = new CyclicBarrier(4);
        List<Runnable> bodies = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int id = t;
            bodies.add(() -> {
                Random random = new Random(id);
                List<long[]> mine = new ArrayList<>();
                boolean told = false;
                try {
                    for (int step = 0;; step++) {
                        if (step == 2000) {
                            running.await();
                            told = true;
                        }
                        if (mine.isEmpty() || random.nextBoolean() && mine.size() < 200) {
                            int c = random.nextInt(caches.size());
                            long a = caches.get(c).alloc();
                            mine.add(new long[] {a, c});
                        } else {
                            int k = random.nextInt(mine.size());
                            caches.get((int) mine.get(k)[1]).free(mine.get(k)[0]);
                            mine.remove(k); // only once the free went through
                        }
                    }
                } catch (IllegalStateException gone) {
                    assertTrue(told, "stopped before deactivation");
                } catch (Exception e) {
                    throw new AssertionError(e);
                } finally {
                    held.addAll(mine);
                }
            });
        }
        bodies.add(() -> {
            try {
                running.await();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            b.restart();
        });
        runAll(bodies);
        SlabService second = b.slab;
        b.assertIntact();
        long holding = held.size();
        long active = 0;
        for (SlabCache c : caches) {
            active += second.cache(c.name()).orElseThrow().stats().activeObjs();
        }
        assertEquals(holding, active, "objects the threads hold, against what the new instance counts");
        for (long[] o : held) {
            second.cache(caches.get((int) o[1]).name()).orElseThrow().free(o[0]);
        }
        second.reap();
        assertEquals(baseline, b.frames.framesOwned(FrameAllocator.KERNEL));
        b.assertIntact();
    }
}
