package org.clkernel.api.slab;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A cache of objects of one size. Objects are addressed in the kernel's direct map
 * ({@link org.clkernel.api.paging.KernelLayout#DIRECT_MAP}).
 *
 * <p>Each object lies between two red zones, and a free object is filled with poison; freeing an
 * object whose red zones were overwritten is refused, and an allocation that finds the poison of
 * the object it hands out broken reports it in {@link SlabAllocator#findings()}.
 */
@ProviderType
public interface SlabCache {

    String name();

    /** The size of each object in bytes. */
    int objectSize();

    /** The alignment of each object's address. */
    int align();

    /**
     * Allocates an object. Its contents are the poison pattern, not zero.
     *
     * @return the object's kernel virtual address, or 0 when no memory is left
     */
    long alloc();

    /**
     * Frees an object this cache handed out.
     *
     * @throws IllegalArgumentException for an address that is not an object of this cache, an
     *                                  object that is already free (a double free), or an object
     *                                  whose red zones were overwritten; nothing is changed
     */
    void free(long address);

    SlabCacheStats stats();

    /** Whether the address lies inside a slab of this cache. */
    boolean owns(long address);
}
