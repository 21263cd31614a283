package org.clkernel.slab;

/**
 * The header at the start of every slab, in RAM (offsets from the slab's physical address).
 *
 * <pre>
 * +0  u32 magic "SLAB"          +4  u32 index of the cache in the cache table
 * +8  u64 next slab on the list (physical address, 0 at the end)
 * +16 u64 previous slab on the list (0 at the head)
 * +24 u32 objects allocated     +28 u32 the list the slab is on: 0 empty, 1 partial, 2 full
 * +32 u32 free stack depth      +36 u32 0
 * +40 allocation bitmap: one bit per object, set while allocated, in u64 words
 * then the free stack: u16 object indices, the next to hand out on top
 * </pre>
 * The bitmap makes a double free certain to be found; the free stack (Bonwick's freelist, kept as
 * indices out of the objects so that a write after free cannot break it) makes allocation O(1).
 */
final class SlabHeader {
    static final int MAGIC = 0x42414C53;
    static final int CACHE = 4;
    static final int NEXT = 8;
    static final int PREV = 16;
    static final int IN_USE = 24;
    static final int LIST = 28;
    static final int DEPTH = 32;
    static final int BITMAP = 40;

    static final int EMPTY = 0;
    static final int PARTIAL = 1;
    static final int FULL = 2;
    static final String[] LIST_NAMES = {"empty", "partial", "full"};

    private SlabHeader() {
    }
}
