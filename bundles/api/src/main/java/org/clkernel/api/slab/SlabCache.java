package org.clkernel.api.slab;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A cache of objects of one size. Objects are addressed in the kernel's direct map
 * ({@link org.clkernel.api.paging.KernelLayout#DIRECT_MAP}).
 *
 * <p>Each object lies between two red zones, and a free object is filled with poison; freeing an
 * object whose red zones were overwritten is refused, and an allocation that finds the poison of
 * the object it hands out broken reports it in {@link SlabAllocator#findings()}. A cache created
 * with an {@link ObjectConstructor} keeps its free objects constructed instead of poisoned (see
 * {@link SlabAllocator#create(String, int, int, ObjectConstructor)}); its red zones are the same.
 */
@ProviderType
public interface SlabCache {

    String name();

    /** The size of each object in bytes. */
    int objectSize();

    /** The alignment of each object's address. */
    int align();

    /**
     * Allocates an object. Its contents are the poison pattern, not zero; for a cache with a
     * constructor, the object's constructed state.
     *
     * @return the object's kernel virtual address, or 0 when no memory is left or the constructor
     *         of a new slab's objects threw
     * @throws IllegalStateException for a cache with constructed objects whose constructor is not
     *                               registered again since a restart, when a new slab is needed
     */
    long alloc();

    /**
     * Frees an object this cache handed out; for a cache with a constructor, in its constructed
     * state.
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
