package org.clkernel.api.slab;

/**
 * A cache's statistics, in the columns of Linux's {@code /proc/slabinfo}.
 *
 * @param name         the cache's name
 * @param activeObjs   objects allocated
 * @param numObjs      objects the cache's slabs hold, allocated or free
 * @param objSize      the object size in bytes
 * @param objPerSlab   objects in one slab
 * @param pagesPerSlab frames in one slab
 * @param activeSlabs  slabs with at least one object allocated
 * @param numSlabs     slabs the cache holds
 */
public record SlabCacheStats(String name, long activeObjs, long numObjs, int objSize, int objPerSlab,
        int pagesPerSlab, long activeSlabs, long numSlabs) {
}
