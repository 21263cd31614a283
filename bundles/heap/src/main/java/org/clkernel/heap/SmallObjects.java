package org.clkernel.heap;

import static org.clkernel.api.paging.KernelLayout.DIRECT_MAP;
import static org.clkernel.api.paging.KernelLayout.DIRECT_MAP_MAX;

import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.slab.SlabAllocator;
import org.clkernel.api.slab.SlabCache;

/**
 * The kernel's small kmallocs, served by the slab allocator's {@code kmalloc-8} ...
 * {@code kmalloc-8192} caches while a slab allocator runs (as Linux's kmalloc does). A slab object
 * lives in the direct map, not in the heap window, so kfree knows it by its address. When the
 * slab allocator goes, new kmallocs come from the heap again, and the slab objects handed out stay
 * allocated in RAM, valid, until a slab allocator runs again to take them back.
 *
 * <p>Slab objects carry no owner, site or time: only the kernel's kmallocs without a site come here.
 */
final class SmallObjects {
    /** The slab allocator and its size classes, index {@code log2(size) - 3}; null while none runs. */
    private record Classes(SlabAllocator slab, SlabCache[] bySize) {
    }

    private final PhysicalMemory ram;
    private volatile Classes classes;

    SmallObjects(PhysicalMemory ram) {
        this.ram = ram;
    }

    /** A slab allocator arrived: its kmalloc caches serve from now on. */
    void use(SlabAllocator slab) {
        SlabCache[] bySize = new SlabCache[Long.numberOfTrailingZeros(SlabAllocator.KMALLOC_MAX) - 2];
        for (int i = 0; i < bySize.length; i++) {
            bySize[i] = slab.cache("kmalloc-" + (SlabAllocator.KMALLOC_MIN << i)).orElse(null);
        }
        classes = new Classes(slab, bySize);
    }

    /** A slab allocator left: if it is the one in use, the heap serves every size again. */
    void leave(SlabAllocator slab) {
        Classes c = classes;
        if (c != null && c.slab() == slab) {
            classes = null;
        }
    }

    boolean running() {
        return classes != null;
    }

    /** Whether an address is in the direct map, where slab objects live and heap blocks never do. */
    static boolean isSlabAddress(long address) {
        return address >= DIRECT_MAP && address < DIRECT_MAP + DIRECT_MAP_MAX;
    }

    /** An object of at least {@code size} bytes, or 0 when no slab allocator serves that size now. */
    long alloc(long size) {
        Classes c = classes;
        if (c == null || size < 1 || size > SlabAllocator.KMALLOC_MAX) {
            return 0;
        }
        int index = Math.max(0, 64 - Long.numberOfLeadingZeros(size - 1) - 3);
        SlabCache cache = c.bySize()[index];
        if (cache == null) {
            return 0;
        }
        try {
            return cache.alloc();
        } catch (IllegalStateException gone) {
            return 0; // the slab bundle is going: the heap serves this one
        }
    }

    /** Frees a slab object, as its cache checks it. */
    void free(String call, long address) {
        for (int attempt = 0; ; attempt++) {
            try {
                cacheOf(call, address).free(address);
                return;
            } catch (IllegalStateException gone) {
                if (attempt > 0 || classes == null) {
                    throw gone;
                }
                // the instance stopped between the lookup and the free; the next one has bound by now or soon
            }
        }
    }

    /** The bytes of a slab object. */
    long usable(String call, long address) {
        return cacheOf(call, address).objectSize();
    }

    private SlabCache cacheOf(String call, long address) {
        Classes c = classes;
        if (c == null) {
            throw new IllegalStateException(String.format("%s(0x%x): a slab object, and no slab allocator is running:"
                    + " it stays allocated until one runs again", call, address));
        }
        return c.slab().cacheOf(address).orElseThrow(() -> new IllegalArgumentException(String.format(
                "%s(0x%x): not an address in the heap nor an object of a slab cache", call, address)));
    }

    void read(long address, byte[] into, int length) {
        ram.read(address - DIRECT_MAP, into, 0, length);
    }

    void write(long address, byte[] from, int length) {
        ram.write(address - DIRECT_MAP, from, 0, length);
    }

    void zero(long address, long length) {
        ram.zero(address - DIRECT_MAP, length);
    }
}
