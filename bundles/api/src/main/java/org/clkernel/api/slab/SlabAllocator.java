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
     * Creates a cache without a constructor: its free objects hold poison.
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

    /**
     * Creates a cache whose objects are kept in their constructed state (Bonwick 1994).
     *
     * <p>The constructor runs once for every object of each new slab of the cache, when the slab
     * is created, and not on each allocation. An allocation hands out a constructed object, and a
     * caller must free an object in its constructed state (as it got it, or put back so); the next
     * allocation of it hands it out as it was freed, without running the constructor again. The
     * objects of such a cache are not filled with poison on free and not checked for poison on
     * allocation or by {@link #check()}, as Linux does for caches with a constructor; their red
     * zones are kept and checked as for any cache.
     *
     * <p>A constructor that throws fails the allocation that needed the new slab: the slab's frames
     * go back to the frame allocator, nothing of the slab is kept, the allocation returns 0, and
     * {@link #findings()} gets a sentence naming the cache and the exception.
     *
     * <p>A constructor is Java code and is not kept in RAM. The cache's descriptor in RAM records
     * that its objects are constructed, so that after the slab bundle restarts the cache comes
     * back with its objects and free objects as they were, but without its constructor: until the
     * constructor is registered again the cache hands out the objects its slabs hold, and an
     * allocation that would need a new slab throws {@link IllegalStateException}. Calling this
     * method again with the name, object size and alignment the cache was created with, and a
     * constructor, registers that constructor and returns the cache instead of refusing the name.
     *
     * @param constructor the constructor, or null for a cache without one (as
     *                    {@link #create(String, int, int)})
     * @throws IllegalArgumentException as {@link #create(String, int, int)}; also, in one sentence,
     *                                  for a name taken by a cache of another object size or
     *                                  alignment, by a cache without constructed objects, or by a
     *                                  cache whose constructor is registered already
     * @throws IllegalStateException    when the cache table is full
     * @since 1.1
     */
    SlabCache create(String name, int objectSize, int align, ObjectConstructor constructor);

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
