package org.clkernel.api.slab;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Puts an object of a slab cache into its constructed state (Bonwick, USENIX Summer 1994): the
 * initial contents that every object of the cache has whenever it is free. A cache calls it once
 * for every object of each new slab, not on every allocation; see
 * {@link SlabAllocator#create(String, int, int, ObjectConstructor)} for the whole contract.
 */
@ConsumerType
@FunctionalInterface
public interface ObjectConstructor {
    /**
     * Writes the initial contents of one object, for example through
     * {@code Machine.physical()} at {@code address - KernelLayout.DIRECT_MAP}. It must write only
     * the {@code size} bytes of the object and must not call the slab allocator. An exception it
     * throws makes the allocation that needed the new slab fail (see {@link SlabAllocator}).
     *
     * @param address the object's kernel virtual address in the direct map
     * @param size    the cache's object size in bytes
     */
    void construct(long address, int size);
}
