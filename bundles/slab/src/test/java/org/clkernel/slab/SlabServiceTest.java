package org.clkernel.slab;

import static org.clkernel.slab.BootedSlab.physical;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.clkernel.api.paging.KernelLayout;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.slab.SlabCache;
import org.clkernel.api.slab.SlabCacheStats;
import org.junit.jupiter.api.Test;

class SlabServiceTest {
    private final BootedSlab b = new BootedSlab();

    private SlabCache kmalloc(int size) {
        return b.slab.cache("kmalloc-" + size).orElseThrow();
    }

    @Test
    void theKmallocSizeClassesExistFromTheStart() {
        List<String> names = b.slab.caches().stream().map(SlabCache::name).toList();
        assertEquals(List.of("kmalloc-8", "kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-128", "kmalloc-256",
                "kmalloc-512", "kmalloc-1024", "kmalloc-2048", "kmalloc-4096", "kmalloc-8192"), names);
        assertEquals(new SlabCacheStats("kmalloc-64", 0, 0, 64, kmalloc(64).stats().objPerSlab(), 1, 0, 0),
                kmalloc(64).stats());
        assertEquals(8, kmalloc(8192).stats().pagesPerSlab());
        b.assertIntact();
    }

    @Test
    void badNamesSizesAndAlignmentsAreRefusedInOneSentence() {
        assertEquals("a cache name must be 1 to 31 characters long",
                assertThrows(IllegalArgumentException.class, () -> b.slab.create("", 8, 8)).getMessage());
        assertEquals("a cache name must be 1 to 31 characters long",
                assertThrows(IllegalArgumentException.class, () -> b.slab.create("x".repeat(32), 8, 8)).getMessage());
        assertEquals("a cache name must be printable ASCII without spaces: my cache",
                assertThrows(IllegalArgumentException.class, () -> b.slab.create("my cache", 8, 8)).getMessage());
        assertEquals("a cache named kmalloc-64 exists already",
                assertThrows(IllegalArgumentException.class, () -> b.slab.create("kmalloc-64", 64, 8)).getMessage());
        assertEquals("cache t: the object size must be 1 to 65536 bytes, not 0",
                assertThrows(IllegalArgumentException.class, () -> b.slab.create("t", 0, 8)).getMessage());
        assertEquals("cache t: the object size must be 1 to 65536 bytes, not 65537",
                assertThrows(IllegalArgumentException.class, () -> b.slab.create("t", 65537, 8)).getMessage());
        assertEquals("cache t: the alignment must be a power of two from 1 to 4096, not 24",
                assertThrows(IllegalArgumentException.class, () -> b.slab.create("t", 8, 24)).getMessage());
        assertEquals(11, b.slab.caches().size());
    }

    @Test
    void objectsAreAlignedDistinctPoisonedAndCounted() {
        SlabCache c = b.slab.create("task_struct", 100, 64);
        assertEquals(64, c.align());
        Set<Long> seen = new HashSet<>();
        int perSlab = c.stats().objPerSlab();
        for (int i = 0; i < perSlab + 1; i++) {
            long a = c.alloc();
            assertTrue(seen.add(a));
            assertEquals(0, a % 64);
            assertTrue(a >= KernelLayout.DIRECT_MAP && a < KernelLayout.DIRECT_MAP + KernelLayout.DIRECT_MAP_MAX);
            assertTrue(c.owns(a));
            assertFalse(kmalloc(128).owns(a));
            assertEquals(0x6B6B6B6B, b.ram.read32(physical(a)));
        }
        assertEquals(new SlabCacheStats("task_struct", perSlab + 1, 2L * perSlab, 100, perSlab, 1, 2, 2), c.stats());
        assertTrue(b.slab.findings().isEmpty());
        b.assertIntact();
    }

    @Test
    void everySizeClassFitsItsObjectsInItsSlabs() {
        for (int size = 1; size <= 70000; size += size < 300 ? 1 : 997) {
            int s = Math.min(size, 65536);
            for (int align : new int[] {1, 8, 64, 4096}) {
                Geometry g = Geometry.of(s, align);
                assertTrue(g.perSlab() >= 1);
                assertEquals(0, g.first() % g.align());
                assertEquals(0, g.stride() % g.align());
                assertTrue(g.first() >= Geometry.headerBytes(g.perSlab()) + Geometry.RED_ZONE);
                assertTrue(g.first() + (long) (g.perSlab() - 1) * g.stride() + s + Geometry.RED_ZONE <= g.slabBytes());
            }
        }
    }

    @Test
    void aDoubleFreeIsRefusedAndChangesNothing() {
        SlabCache c = kmalloc(64);
        long a = c.alloc();
        long other = c.alloc();
        c.free(a);
        SlabCacheStats before = c.stats();
        assertEquals(String.format("free of 0x%x in cache kmalloc-64: the object is already free (a double free)", a),
                assertThrows(IllegalArgumentException.class, () -> c.free(a)).getMessage());
        assertEquals(before, c.stats());
        c.free(other);
        b.assertIntact();
    }

    @Test
    void aFreeIntoTheWrongCacheIsRefused() {
        long a = kmalloc(32).alloc();
        assertEquals(String.format("free of 0x%x in cache kmalloc-64: the object belongs to cache kmalloc-32", a),
                assertThrows(IllegalArgumentException.class, () -> kmalloc(64).free(a)).getMessage());
        kmalloc(32).free(a);
        b.assertIntact();
    }

    @Test
    void anAddressThatIsNotAnObjectStartIsRefused() {
        SlabCache c = kmalloc(64);
        long a = c.alloc();
        assertEquals(String.format("free of 0x%x in cache kmalloc-64: not the start of an object "
                + "(the nearest object before it starts at 0x%x)", a + 8, a),
                assertThrows(IllegalArgumentException.class, () -> c.free(a + 8)).getMessage());
        long slab = a & ~0xFFFL;
        assertEquals(String.format("free of 0x%x in cache kmalloc-64: the address is in the header of slab 0x%x, "
                + "not an object", slab + 4, slab),
                assertThrows(IllegalArgumentException.class, () -> c.free(slab + 4)).getMessage());
        assertEquals("free of 0x1000 in cache kmalloc-64: the address is not in any slab",
                assertThrows(IllegalArgumentException.class, () -> c.free(0x1000)).getMessage());
        assertEquals(String.format("free of 0x%x in cache kmalloc-64: the address is not in any slab",
                KernelLayout.DIRECT_MAP + 0x100000),
                assertThrows(IllegalArgumentException.class, () -> c.free(KernelLayout.DIRECT_MAP + 0x100000)).getMessage());
        assertEquals(1, c.stats().activeObjs());
        c.free(a);
        b.assertIntact();
    }

    @Test
    void anOverrunIntoTheRedZoneAfterIsRefusedAndReported() {
        SlabCache c = kmalloc(64);
        long a = c.alloc();
        b.ram.write8(physical(a) + 64, 0x41);
        assertEquals(String.format("free of 0x%x in cache kmalloc-64: the red zone after it is overwritten "
                + "(0xbbbbbbbbbbbbbb41); the object stays allocated", a),
                assertThrows(IllegalArgumentException.class, () -> c.free(a)).getMessage());
        assertEquals(1, c.stats().activeObjs());
        assertEquals(String.format("cache kmalloc-64: partial slab 0x%x: allocated object 0x%x: the red zone after it "
                + "is overwritten (0xbbbbbbbbbbbbbb41)", a & ~0xFFFL, a), b.slab.check().firstProblem());
    }

    @Test
    void anUnderrunIntoTheRedZoneBeforeIsRefused() {
        SlabCache c = kmalloc(16);
        long a = c.alloc();
        b.ram.write8(physical(a) - 8, 0);
        assertEquals(String.format("free of 0x%x in cache kmalloc-16: the red zone before it is overwritten "
                + "(0xbbbbbbbbbbbbbb00); the object stays allocated", a),
                assertThrows(IllegalArgumentException.class, () -> c.free(a)).getMessage());
    }

    @Test
    void aWriteAfterFreeIsFoundByTheCheckAndReportedByTheNextAllocation() {
        SlabCache c = kmalloc(64);
        long a = c.alloc();
        c.free(a);
        b.ram.write8(physical(a) + 5, 0x00);
        // the freed object waits in this thread's magazine, allocated in its slab's bitmap: the slab is partial
        assertEquals(String.format("cache kmalloc-64: partial slab 0x%x: free object 0x%x: written after free at +5 "
                + "(0x00, not 0x6b)", a & ~0xFFFL, a), b.slab.check().firstProblem());
        assertEquals(a, c.alloc());
        assertEquals(List.of(String.format("cache kmalloc-64: object 0x%x was written after free: byte +5 is 0x00, "
                + "not 0x6b", a)), b.slab.findings());
        assertEquals(1, b.slab.findingsCount());
        b.assertIntact();
    }

    @Test
    void reapGivesEmptySlabsBackToTheFrameAllocator() {
        SlabCache c = kmalloc(1024);
        long before = b.frames.framesOwned(FrameAllocator.KERNEL);
        List<Long> objects = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            objects.add(c.alloc());
        }
        long slabs = c.stats().numSlabs();
        long pages = slabs * c.stats().pagesPerSlab();
        assertEquals(before + pages, b.frames.framesOwned(FrameAllocator.KERNEL));
        objects.subList(0, 90).forEach(c::free);
        long kept = c.stats().activeSlabs();
        assertEquals((slabs - kept) * c.stats().pagesPerSlab(), b.slab.reap());
        assertEquals(kept, c.stats().numSlabs());
        assertEquals(before + kept * c.stats().pagesPerSlab(), b.frames.framesOwned(FrameAllocator.KERNEL));
        objects.subList(90, 100).forEach(c::free);
        b.slab.reap();
        assertEquals(before, b.frames.framesOwned(FrameAllocator.KERNEL));
        assertEquals(0, b.slab.reap());
        assertTrue(b.frames.check().isOk());
        b.assertIntact();
    }

    @Test
    void underMemoryPressureTheEmptySlabsOfOtherCachesAreReaped() {
        BootedSlab small = new BootedSlab(4);
        SlabCache a = small.slab.cache("kmalloc-4096").orElseThrow();
        SlabCache big = small.slab.cache("kmalloc-8192").orElseThrow();
        List<Long> held = new ArrayList<>();
        for (long o; (o = a.alloc()) != 0;) {
            held.add(o);
        }
        held.forEach(a::free);
        assertTrue(a.stats().numSlabs() > 0);
        int got = 0;
        while (big.alloc() != 0) {
            got++;
        }
        assertEquals(0, a.stats().numSlabs());
        assertTrue(got * 8192L > held.size() * 4096L / 2, got + " objects of 8 KiB after " + held.size() + " of 4 KiB");
        small.assertIntact();
    }

    @Test
    void aNewInstanceKeepsEveryCacheAndObjectWithItsContents() {
        SlabCache c = b.slab.create("inode", 200, 32);
        List<Long> objects = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            long a = c.alloc();
            b.ram.write32(physical(a), i);
            b.ram.write32(physical(a) + 196, ~i);
            objects.add(a);
        }
        long k = kmalloc(8).alloc();
        SlabCacheStats stats = c.stats();
        SlabService second = b.restart();
        assertTrue(second.attached());
        assertEquals(12, second.caches().size());
        SlabCache again = second.cache("inode").orElseThrow();
        assertEquals(stats, again.stats());
        assertEquals(32, again.align());
        for (int i = 0; i < 50; i++) {
            long a = objects.get(i);
            assertTrue(again.owns(a));
            assertEquals(i, b.ram.read32(physical(a)));
            assertEquals(~i, b.ram.read32(physical(a) + 196));
        }
        assertThrows(IllegalArgumentException.class, () -> second.cache("kmalloc-8").orElseThrow().free(k + 1));
        second.cache("kmalloc-8").orElseThrow().free(k);
        long fresh = again.alloc();
        assertFalse(objects.contains(fresh));
        objects.forEach(again::free);
        assertThrows(IllegalArgumentException.class, () -> again.free(objects.get(0)));
        b.assertIntact();
    }

    @Test
    void anAnchorToSomethingElseIsRefused() {
        b.machine.anchors().put(CacheTable.ANCHOR, 0x2000);
        assertEquals("the slab anchor points to 0x2000, where there is no slab cache table",
                assertThrows(IllegalStateException.class, b::restart).getMessage());
    }

    @Test
    void theCheckNamesABrokenSlabHeader() {
        SlabCache c = kmalloc(64);
        long a = c.alloc();
        b.slab.reap(); // the rest of the magazine the allocation filled goes back: one object allocated in RAM
        long slab = physical(a) & ~0xFFFL;
        long va = a & ~0xFFFL;
        b.ram.write32(slab, 0x12345678);
        assertEquals(String.format("cache kmalloc-64: partial slab 0x%x: bad magic", va), b.slab.check().firstProblem());
        b.ram.write32(slab, SlabHeader.MAGIC);
        b.ram.write64(slab + SlabHeader.BITMAP, 3);
        assertEquals(String.format("cache kmalloc-64: partial slab 0x%x: 1 objects allocated, the bitmap marks 2", va),
                b.slab.check().firstProblem());
        b.ram.write64(slab + SlabHeader.BITMAP, 1);
        b.ram.write32(slab + SlabHeader.LIST, SlabHeader.FULL);
        assertEquals(String.format("cache kmalloc-64: partial slab 0x%x: the header says it is on list 2", va),
                b.slab.check().firstProblem());
        b.ram.write32(slab + SlabHeader.LIST, SlabHeader.PARTIAL);
        b.ram.write32(slab + SlabHeader.DEPTH, 3);
        assertEquals(String.format("cache kmalloc-64: partial slab 0x%x: the free stack holds 3 objects, %d are free",
                va, c.stats().objPerSlab() - 1), b.slab.check().firstProblem());
        b.ram.write32(slab + SlabHeader.DEPTH, c.stats().objPerSlab() - 1);
        int stack = ((Cache) c).g.stack();
        b.ram.write16(slab + stack, 0);
        assertEquals(String.format("cache kmalloc-64: partial slab 0x%x: free stack entry 0 is 0, not a free object "
                + "listed once", va), b.slab.check().firstProblem());
        b.ram.write16(slab + stack, c.stats().objPerSlab() - 1);
        b.assertIntact();
    }

    @Test
    void theCheckNamesBrokenListsAndCounters() {
        SlabCache c = kmalloc(64);
        long a = c.alloc();
        b.slab.reap(); // the rest of the magazine the allocation filled goes back: one object allocated in RAM
        long slab = physical(a) & ~0xFFFL;
        long d = ((Cache) c).descriptor;
        b.ram.write64(d + CacheTable.D_ACTIVE, 7);
        assertEquals("cache kmalloc-64: 1 objects allocated in its slabs, the descriptor says 7",
                b.slab.check().firstProblem());
        b.ram.write64(d + CacheTable.D_ACTIVE, 1);
        b.ram.write32(d + CacheTable.D_COUNTS + 4, 2);
        assertEquals("cache kmalloc-64: 1 slabs on the partial list, the descriptor says 2", b.slab.check().firstProblem());
        b.ram.write32(d + CacheTable.D_COUNTS + 4, 1);
        b.ram.write64(slab + SlabHeader.PREV, 0x5000);
        assertEquals(String.format("cache kmalloc-64: partial slab 0x%x: the back link is 0x%x, not 0x0",
                a & ~0xFFFL, KernelLayout.DIRECT_MAP + 0x5000), b.slab.check().firstProblem());
        b.ram.write64(slab + SlabHeader.PREV, 0);
        b.ram.write64(slab + SlabHeader.NEXT, slab);
        assertEquals(String.format("cache kmalloc-64: partial slab 0x%x: on a list twice", a & ~0xFFFL),
                b.slab.check().firstProblem());
        b.ram.write64(slab + SlabHeader.NEXT, 0);
        b.ram.write32(d + CacheTable.D_STRIDE, 72);
        assertEquals("cache kmalloc-64: the descriptor's object size, alignment or slab layout is broken",
                b.slab.check().firstProblem());
        b.ram.write32(d + CacheTable.D_STRIDE, ((Cache) c).g.stride());
        b.ram.write32(b.slab.table(), 0);
        assertEquals(String.format("cache table at 0x%x: bad magic or version", KernelLayout.DIRECT_MAP + b.slab.table()),
                b.slab.check().firstProblem());
        b.ram.write32(b.slab.table(), CacheTable.MAGIC);
        b.assertIntact();
        assertNotEquals(0, b.slab.check().elementsChecked());
    }

    @Test
    void theCheckNamesSlabFramesTheFrameAllocatorDoesNotHoldForTheCache() {
        SlabCache c = kmalloc(64);
        long a = c.alloc();
        long slab = physical(a) & ~0xFFFL;
        b.frames.free(slab >>> 12, 0, FrameAllocator.KERNEL);
        assertEquals(String.format("cache kmalloc-64: partial slab 0x%x: its frames are not a kernel block of 1 frames",
                a & ~0xFFFL), b.slab.check().firstProblem());
    }

    @org.junit.jupiter.api.Test
    void cacheOfFindsTheCacheOfAnyAddressInItsSlabs() {
        var service = b.slab;
        var cache = service.create("probe", 48, 8);
        long a = cache.alloc();
        org.junit.jupiter.api.Assertions.assertEquals(cache, service.cacheOf(a).orElseThrow());
        org.junit.jupiter.api.Assertions.assertEquals(cache, service.cacheOf(a + 5).orElseThrow(), "inside an object too");
        org.junit.jupiter.api.Assertions.assertTrue(service.cacheOf(0xD0000000L).isEmpty(), "the heap window is no slab");
        org.junit.jupiter.api.Assertions.assertTrue(service.cacheOf(0xC0000000L).isEmpty(), "low memory is no slab");
    }

    @org.junit.jupiter.api.Test
    void anInstanceThatHasGoneRefusesEveryCallAndTheNextOneCarriesOn() {
        var old = b.slab;
        var cache = old.create("gone", 32, 8);
        long a = cache.alloc();
        var again = b.restart();
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, cache::alloc);
        org.junit.jupiter.api.Assertions.assertEquals("this slab allocator has stopped: get the SlabAllocator service again",
                e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> old.caches());
        again.cache("gone").orElseThrow().free(a);
        org.junit.jupiter.api.Assertions.assertTrue(again.check().isOk(), again.check().toString());
    }
}
