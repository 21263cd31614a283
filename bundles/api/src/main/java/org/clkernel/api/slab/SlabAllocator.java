package org.clkernel.api.slab;

import java.util.List;
import java.util.Optional;

import org.clkernel.api.CheckResult;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The slab allocator: named {@link SlabCache caches}, each handing out objects of one size from
 * slabs of 2^k contiguous kernel frames. Its state is in emulated RAM, so a new instance of the
 * service keeps every cache and every live object.
 *
 * <p>The caches {@code kmalloc-8}, {@code kmalloc-16}, ... {@code kmalloc-8192} (the powers of two)
 * always exist. Caches are never destroyed.
 */
@ProviderType
public interface SlabAllocator {
    /** The longest cache name. */
    int MAX_NAME_LENGTH = 31;
    /** The largest object size a cache may have. */
    int MAX_OBJECT_SIZE = 1 << 16;
    /** The largest alignment a cache may ask for. */
    int MAX_ALIGN = 4096;
    /** The smallest and the largest kmalloc size class. */
    int KMALLOC_MIN = 8;
    int KMALLOC_MAX = 8192;

    /**
     * Creates a cache.
     *
     * @param name       1 to {@link #MAX_NAME_LENGTH} printable ASCII characters without spaces,
     *                   not the name of another cache
     * @param objectSize 1 to {@link #MAX_OBJECT_SIZE} bytes
     * @param align      a power of two from 1 to {@link #MAX_ALIGN}; objects are aligned to at
     *                   least 8 bytes whatever is asked
     * @throws IllegalArgumentException for a bad or taken name, size or alignment, in one sentence
     * @throws IllegalStateException    when the cache table is full
     */
    SlabCache create(String name, int objectSize, int align);

    Optional<SlabCache> cache(String name);

    /** Every cache, in the order they were created. */
    List<SlabCache> caches();

    /**
     * The cache whose slab holds an address, as kfree finds it: empty for an address in no slab.
     * The address need not be an object's start; {@link SlabCache#free} checks that.
     */
    Optional<SlabCache> cacheOf(long address);

    /**
     * Gives every empty slab of every cache back to the frame allocator.
     *
     * @return the number of frames given back
     */
    long reap();

    /**
     * What allocations found broken in the objects they handed out (a write after free into the
     * poison, an overwritten red zone), one sentence each, oldest first; the most recent only.
     */
    List<String> findings();

    /** Walks every cache, slab, free stack and object and names the first broken element. */
    CheckResult check();
}
