package org.clkernel.heap;

import static org.clkernel.api.paging.KernelLayout.DIRECT_MAP;
import static org.clkernel.api.paging.KernelLayout.HEAP_WINDOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.clkernel.api.slab.SlabCache;
import org.clkernel.slab.SlabService;
import org.junit.jupiter.api.Test;

/** The kernel's small kmallocs through the slab allocator's size classes, and the heap without it. */
class SmallObjectsTest {
    private final BootedHeap h = new BootedHeap();
    private SlabService slab = new SlabService(h.machine, h.frames);

    {
        h.heap.setSlab(slab);
    }

    private SlabCache cache(String name) {
        return slab.cache(name).orElseThrow();
    }

    private void fill(long object, int length, int value) {
        byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, (byte) value);
        h.machine.physical().write(object - DIRECT_MAP, bytes, 0, length);
    }

    private void assertFilled(long object, int length, int value) {
        byte[] bytes = new byte[length];
        h.machine.physical().read(object - DIRECT_MAP, bytes, 0, length);
        for (int i = 0; i < length; i++) {
            assertEquals((byte) value, bytes[i], "byte " + i);
        }
    }

    @Test
    void smallKernelKmallocsComeFromTheSizeClassesAndGoBackThere() {
        long a = h.heap.kmalloc(50, 0);
        assertTrue(SmallObjects.isSlabAddress(a), String.format("0x%x in the direct map", a));
        assertEquals(1, cache("kmalloc-64").stats().activeObjs());
        assertEquals(64, h.heap.usableSize(a));
        assertEquals(0, h.heap.stats().blocks(), "not a heap block");
        h.heap.kfree(a);
        assertEquals(0, cache("kmalloc-64").stats().activeObjs());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> h.heap.kfree(a));
        assertTrue(twice.getMessage().contains("0x"), twice.getMessage());
    }

    @Test
    void largeOrOwnedOrSitedAllocationsStayInTheHeap() {
        assertTrue(h.heap.kmalloc(9000, 0) >= HEAP_WINDOW);
        assertTrue(h.heap.kmalloc(50, 3) >= HEAP_WINDOW, "actors' blocks carry their owner");
        assertTrue(h.heap.kmalloc(50, 0, h.heap.site("net")) >= HEAP_WINDOW, "a site is kept in a heap header");
        h.assertIntact();
    }

    @Test
    void kcallocZeroesTheObjectAndKreallocMovesAcrossKeepingTheBytes() {
        long a = h.heap.kcalloc(4, 10, 0);
        assertTrue(SmallObjects.isSlabAddress(a));
        assertFilled(a, 40, 0);
        fill(a, 40, 0x3C);
        assertEquals(a, h.heap.krealloc(a, 60, 0), "still fits kmalloc-64");
        long bigger = h.heap.krealloc(a, 20_000, 0);
        assertTrue(bigger >= HEAP_WINDOW, "moved to the heap");
        h.assertFilled(bigger, 40, 0x3C);
        assertEquals(0, cache("kmalloc-64").stats().activeObjs());
        h.heap.kfree(bigger);
        h.assertIntact();
    }

    @Test
    void withoutTheSlabTheHeapServesAndHandedOutObjectsStayValidUntilItIsBack() {
        long a = h.heap.kmalloc(100, 0);
        fill(a, 100, 0x5A);
        slab.deactivate();
        h.heap.unsetSlab(slab);
        long b = h.heap.kmalloc(100, 0);
        assertTrue(b >= HEAP_WINDOW, "the heap serves while no slab allocator runs");
        IllegalStateException waiting = assertThrows(IllegalStateException.class, () -> h.heap.kfree(a));
        assertEquals(String.format("kfree(0x%x): a slab object, and no slab allocator is running:"
                + " it stays allocated until one runs again", a), waiting.getMessage());
        slab = new SlabService(h.machine, h.frames); // the bundle is back: it re-attaches
        h.heap.setSlab(slab);
        assertFilled(a, 100, 0x5A);
        h.heap.kfree(a);
        h.heap.kfree(b);
        assertEquals(0, cache("kmalloc-128").stats().activeObjs());
        assertTrue(slab.check().isOk(), slab.check().toString());
        h.assertIntact();
    }

    @Test
    void actorFreeOfASlabObjectIsTheKernelsOnly() {
        long a = h.heap.kmalloc(16, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> h.heap.actorFree(a, 2));
        assertEquals(String.format("actorFree(0x%x): a slab object belongs to the kernel, not 2", a), e.getMessage());
        h.heap.actorFree(a, 0);
    }
}
