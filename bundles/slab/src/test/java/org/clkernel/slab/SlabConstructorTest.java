package org.clkernel.slab;

import static org.clkernel.slab.BootedSlab.physical;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.slab.ObjectConstructor;
import org.clkernel.api.slab.SlabCache;
import org.junit.jupiter.api.Test;

class SlabConstructorTest {
    private static final int SIZE = 96;
    private static final int ALIGN = 32;
    private final BootedSlab b = new BootedSlab();

    /** Writes each object's own address into its first 8 bytes and 0x5A into the rest; remembers every call. */
    private final class Counting implements ObjectConstructor {
        final List<Long> calls = new ArrayList<>();

        @Override
        public void construct(long address, int size) {
            assertEquals(SIZE, size);
            calls.add(address);
            long pa = physical(address);
            b.ram.write64(pa, address);
            for (int i = 8; i < size; i++) {
                b.ram.write8(pa + i, 0x5A);
            }
        }
    }

    private void assertConstructed(long address) {
        long pa = physical(address);
        assertEquals(address, b.ram.read64(pa));
        for (int i = 8; i < SIZE; i++) {
            assertEquals(0x5A, b.ram.read8(pa + i), "byte +" + i);
        }
    }

    /** The objects of the slab holding an address, in address order. */
    private List<Long> objectsOfSlab(SlabCache c, long address) {
        Cache cache = (Cache) c;
        Geometry g = cache.g;
        long slab = b.slab.slabOf(physical(address));
        List<Long> objects = new ArrayList<>();
        for (int i = 0; i < g.perSlab(); i++) {
            objects.add(address - physical(address) + slab + g.first() + (long) i * g.stride());
        }
        return objects;
    }

    @Test
    void theConstructorRunsOncePerObjectOfEachNewSlab() {
        Counting ctor = new Counting();
        SlabCache c = b.slab.create("dentry", SIZE, ALIGN, ctor);
        assertTrue(ctor.calls.isEmpty(), "no slab, no construction");
        int perSlab = c.stats().objPerSlab();
        long first = c.alloc();
        assertEquals(objectsOfSlab(c, first), ctor.calls);
        List<Long> held = new ArrayList<>(List.of(first));
        for (int i = 1; i < perSlab; i++) {
            held.add(c.alloc());
        }
        assertEquals(perSlab, ctor.calls.size(), "allocations from a slab run no constructor");
        long next = c.alloc();
        held.add(next);
        assertEquals(2 * perSlab, ctor.calls.size());
        assertEquals(objectsOfSlab(c, next), ctor.calls.subList(perSlab, 2 * perSlab));
        Set<Long> distinct = new HashSet<>(ctor.calls);
        assertEquals(2 * perSlab, distinct.size());
        assertTrue(distinct.containsAll(held));
        held.forEach(this::assertConstructed);
        assertTrue(b.slab.findings().isEmpty(), b.slab.findings().toString());
        b.assertIntact();
    }

    @Test
    void aFreedObjectInConstructedStateComesBackWithoutTheConstructorAndWithoutPoison() {
        Counting ctor = new Counting();
        SlabCache c = b.slab.create("dentry", SIZE, ALIGN, ctor);
        List<Long> held = new ArrayList<>();
        for (int i = 0; i < 3 * c.stats().objPerSlab(); i++) {
            held.add(c.alloc());
        }
        int calls = ctor.calls.size();
        for (long a : held) {
            assertConstructed(a);
            c.free(a);
            assertConstructed(a);
        }
        b.assertIntact();
        Set<Long> again = new HashSet<>();
        for (int i = 0; i < held.size(); i++) {
            long a = c.alloc();
            assertTrue(again.add(a));
            assertConstructed(a);
        }
        assertEquals(new HashSet<>(held), again);
        assertEquals(calls, ctor.calls.size());
        assertTrue(b.slab.findings().isEmpty(), b.slab.findings().toString());
        again.forEach(c::free);
        b.slab.reap();
        b.assertIntact();
    }

    @Test
    void redZonesAreStillCheckedOnFree() {
        SlabCache c = b.slab.create("dentry", SIZE, ALIGN, new Counting());
        long a = c.alloc();
        b.ram.write8(physical(a) + SIZE, 0);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> c.free(a));
        assertTrue(refused.getMessage().contains("the red zone after it is overwritten"), refused.getMessage());
        b.ram.write8(physical(a) + SIZE, 0xBB);
        b.ram.write8(physical(a) - 1, 0);
        refused = assertThrows(IllegalArgumentException.class, () -> c.free(a));
        assertTrue(refused.getMessage().contains("the red zone before it is overwritten"), refused.getMessage());
        b.ram.write8(physical(a) - 1, 0xBB);
        c.free(a);
        b.assertIntact();
    }

    @Test
    void afterARestartTheConstructorIsRegisteredAgainAndAMismatchIsRefused() {
        Counting ctor = new Counting();
        SlabCache c = b.slab.create("dentry", SIZE, ALIGN, ctor);
        int perSlab = c.stats().objPerSlab();
        List<Long> held = new ArrayList<>();
        for (int i = 0; i < perSlab; i++) {
            held.add(c.alloc());
        }
        for (int i = 0; i < perSlab / 2; i++) {
            c.free(held.remove(held.size() - 1));
        }
        SlabService second = b.restart();
        SlabCache back = second.cache("dentry").orElseThrow();
        b.assertIntact();
        // the objects the slab holds still go out, constructed, and no poison is looked for
        List<Long> again = new ArrayList<>();
        for (int i = 0; i < perSlab / 2; i++) {
            long a = back.alloc();
            assertConstructed(a);
            again.add(a);
        }
        assertTrue(second.findings().isEmpty(), second.findings().toString());
        IllegalStateException unregistered = assertThrows(IllegalStateException.class, back::alloc);
        assertTrue(unregistered.getMessage().startsWith("cache dentry: its objects are constructed"),
                unregistered.getMessage());
        b.assertIntact();

        assertEquals("a cache named dentry exists already with object size 96 and alignment 32, not 104 and 32",
                assertThrows(IllegalArgumentException.class,
                        () -> second.create("dentry", SIZE + 8, ALIGN, new Counting())).getMessage());
        assertEquals("a cache named dentry exists already with object size 96 and alignment 32, not 96 and 64",
                assertThrows(IllegalArgumentException.class,
                        () -> second.create("dentry", SIZE, 64, new Counting())).getMessage());
        assertEquals("a cache named dentry exists already",
                assertThrows(IllegalArgumentException.class, () -> second.create("dentry", SIZE, ALIGN)).getMessage());
        assertEquals("a cache named kmalloc-64 exists already without a constructor, so it cannot be given one",
                assertThrows(IllegalArgumentException.class,
                        () -> second.create("kmalloc-64", 64, 8, new Counting())).getMessage());

        Counting renewed = new Counting();
        assertSame(back, second.create("dentry", SIZE, ALIGN, renewed));
        assertEquals("a cache named dentry exists already and its constructor is registered",
                assertThrows(IllegalArgumentException.class,
                        () -> second.create("dentry", SIZE, ALIGN, new Counting())).getMessage());
        assertEquals(12, second.caches().size());
        long fresh = back.alloc();
        assertNotEquals(0, fresh);
        assertEquals(objectsOfSlab(back, fresh), renewed.calls);
        assertConstructed(fresh);
        held.forEach(back::free);
        again.forEach(back::free);
        back.free(fresh);
        assertTrue(second.findings().isEmpty(), second.findings().toString());
        b.assertIntact();
    }

    @Test
    void aThrowingConstructorGivesTheSlabBackAndLeavesNothingHalfBuilt() {
        int[] calls = {0};
        SlabCache c = b.slab.create("fragile", SIZE, ALIGN, (address, size) -> {
            if (++calls[0] == 3) {
                throw new IllegalStateException("no backing store");
            }
        });
        b.slab.reap();
        long frames = b.frames.framesOwned(FrameAllocator.KERNEL);
        long findings = b.slab.findingsCount();
        assertEquals(0, c.alloc());
        assertEquals(3, calls[0]);
        assertEquals(frames, b.frames.framesOwned(FrameAllocator.KERNEL));
        assertEquals(0, c.stats().numSlabs());
        assertEquals(findings + 1, b.slab.findingsCount());
        String finding = b.slab.findings().get(b.slab.findings().size() - 1);
        assertTrue(finding.startsWith("cache fragile: the constructor threw java.lang.IllegalStateException: "
                + "no backing store for object 0x"), finding);
        assertTrue(finding.endsWith("went back to the frame allocator"), finding);
        b.assertIntact();
        assertTrue(b.frames.check().isOk(), b.frames.check().toString());
        // the next slab is built whole
        long a = c.alloc();
        assertNotEquals(0, a);
        assertEquals(3 + c.stats().objPerSlab(), calls[0]);
        c.free(a);
        b.assertIntact();
    }

    @Test
    void aConstructorThatWritesOutsideItsObjectIsRefusedLikeOneThatThrows() {
        SlabCache c = b.slab.create("sloppy", SIZE, ALIGN,
                (address, size) -> b.ram.write8(physical(address) + size, 0));
        long frames = b.frames.framesOwned(FrameAllocator.KERNEL);
        assertEquals(0, c.alloc());
        assertEquals(frames, b.frames.framesOwned(FrameAllocator.KERNEL));
        String finding = b.slab.findings().get(b.slab.findings().size() - 1);
        assertTrue(finding.startsWith("cache sloppy: the constructor wrote outside object 0x"), finding);
        b.assertIntact();
    }

    @Test
    void theCheckStillFindsBrokenRedZonesOfFreeConstructedObjects() {
        SlabCache c = b.slab.create("dentry", SIZE, ALIGN, new Counting());
        long a = c.alloc();
        c.free(a);
        b.ram.write8(physical(a) + 3, 0x11); // a free object's contents are not checked
        b.assertIntact();
        b.ram.write8(physical(a) + SIZE + 1, 0x11);
        assertTrue(String.valueOf(b.slab.check().firstProblem()).contains("the red zone after it is overwritten"),
                b.slab.check().toString());
    }

    @Test
    void threadsWithMagazinesOnlyEverSeeConstructedObjects() throws Exception {
        Counting ctor = new Counting();
        SlabCache c = b.slab.create("dentry", SIZE, ALIGN, (address, size) -> {
            synchronized (ctor) {
                ctor.construct(address, size);
            }
        });
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            int seed = t;
            threads.add(new Thread(() -> {
                java.util.Random random = new java.util.Random(seed);
                List<Long> held = new ArrayList<>();
                try {
                    for (int step = 0; step < 20_000; step++) {
                        if (held.isEmpty() || held.size() < 200 && random.nextBoolean()) {
                            long a = c.alloc();
                            assertConstructed(a);
                            held.add(a);
                        } else {
                            c.free(held.remove(random.nextInt(held.size())));
                        }
                    }
                    held.forEach(c::free);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(failures.isEmpty(), failures.toString());
        assertTrue(b.slab.findings().isEmpty(), b.slab.findings().toString());
        b.assertIntact();
        assertEquals(c.stats().numObjs(), ctor.calls.size(), "one construction per object of each slab");
    }
}
