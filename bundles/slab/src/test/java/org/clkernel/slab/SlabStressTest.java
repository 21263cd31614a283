package org.clkernel.slab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import org.clkernel.api.slab.SlabCache;
import org.junit.jupiter.api.Test;

/** Two threads allocate and free in the same caches at once; no object may be handed out twice. */
class SlabStressTest {
    private static final int STEPS = 20_000;

    @Test
    void twoThreadsNeverGetTheSameObject() throws InterruptedException {
        BootedSlab b = new BootedSlab(16);
        List<SlabCache> caches = List.of(b.slab.cache("kmalloc-64").orElseThrow(), b.slab.cache("kmalloc-256").orElseThrow());
        ConcurrentHashMap<Long, Integer> live = new ConcurrentHashMap<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int id = t;
            threads.add(new Thread(() -> {
                try {
                    Random random = new Random(id);
                    List<long[]> mine = new ArrayList<>();
                    for (int step = 0; step < STEPS && failure.get() == null; step++) {
                        if (mine.size() < 400 && (mine.isEmpty() || random.nextInt(3) != 0)) {
                            int c = random.nextInt(caches.size());
                            long a = caches.get(c).alloc();
                            Integer other = live.putIfAbsent(a, id);
                            if (other != null) {
                                throw new AssertionError(String.format("0x%x handed to thread %d while thread %d holds it",
                                        a, id, other));
                            }
                            b.ram.write32(BootedSlab.physical(a), id << 24 | step);
                            mine.add(new long[] {a, c, id << 24 | step});
                        } else {
                            long[] o = mine.remove(random.nextInt(mine.size()));
                            assertEquals((int) o[2], b.ram.read32(BootedSlab.physical(o[0])));
                            live.remove(o[0]);
                            caches.get((int) o[1]).free(o[0]);
                        }
                    }
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
        assertEquals(live.size(), caches.stream().mapToLong(c -> c.stats().activeObjs()).sum());
        assertTrue(b.slab.findings().isEmpty());
        b.assertIntact();
    }
}
