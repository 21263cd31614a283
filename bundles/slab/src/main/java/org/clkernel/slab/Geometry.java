package org.clkernel.slab;

/**
 * Where the objects of a cache lie in each of its slabs (Bonwick's on-slab layout): the slab
 * header at the start, then the object slots, each an object between two red zones.
 *
 * <pre>
 * slab +0      header ({@link SlabHeader}), with the allocation bitmap and the free stack
 *      +first  object 0; the {@value #RED_ZONE} bytes before it and after it are its red zones
 *      +first + i * stride   object i, for i below perSlab
 * </pre>
 * The stride is a multiple of the alignment, and the first object is aligned, so every object is.
 *
 * @param objectSize bytes of each object
 * @param align      alignment of each object, at least 8
 * @param stride     distance from one object to the next
 * @param first      offset of object 0 from the start of the slab
 * @param perSlab    objects in a slab
 * @param order      a slab is 2^order frames
 */
record Geometry(int objectSize, int align, int stride, int first, int perSlab, int order) {
    static final int PAGE = 4096;
    static final int RED_ZONE = 8;
    static final int MIN_ALIGN = 8;
    /** A cache takes the smallest order that holds this many objects ... */
    static final int WANTED_OBJECTS = 8;
    /** ... or from this order on, any that holds one (Linux's SLUB stops at order 3 too). */
    static final int SETTLE_ORDER = 3;
    static final int MAX_ORDER = 5;

    /** The layout for a size and alignment the API accepts. */
    static Geometry of(int objectSize, int align) {
        int a = Math.max(align, MIN_ALIGN);
        int stride = roundUp(objectSize + 2 * RED_ZONE, a);
        for (int order = 0; order <= MAX_ORDER; order++) {
            int n = fit(PAGE << order, objectSize, a, stride);
            if (n >= WANTED_OBJECTS || n >= 1 && order >= SETTLE_ORDER) {
                return new Geometry(objectSize, a, stride, first(n, a), n, order);
            }
        }
        throw new IllegalArgumentException("object size " + objectSize + " does not fit a slab");
    }

    /** Bytes of the slab header for n objects: the fixed fields, the bitmap, the free stack. */
    static int headerBytes(int n) {
        return SlabHeader.BITMAP + bitmapWords(n) * 8 + 2 * n;
    }

    static int bitmapWords(int n) {
        return (n + 63) / 64;
    }

    int slabBytes() {
        return PAGE << order;
    }

    int frames() {
        return 1 << order;
    }

    /** Offset of the free stack in the slab header. */
    int stack() {
        return SlabHeader.BITMAP + bitmapWords(perSlab) * 8;
    }

    private static int first(int n, int align) {
        return roundUp(headerBytes(n) + RED_ZONE, align);
    }

    private static int fit(int bytes, int size, int align, int stride) {
        int n = bytes / stride;
        while (n > 0 && first(n, align) + (long) (n - 1) * stride + size + RED_ZONE > bytes) {
            n--;
        }
        return n;
    }

    private static int roundUp(int value, int to) {
        return (value + to - 1) / to * to;
    }
}
