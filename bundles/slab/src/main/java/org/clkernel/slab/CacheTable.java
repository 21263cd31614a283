package org.clkernel.slab;

/**
 * The cache table in RAM: a block of {@code 2^}{@value #ORDER} kernel frames whose physical
 * address the anchor {@value #ANCHOR} holds.
 *
 * <pre>
 * +0  u32 magic "CLKS"   +4  u32 layout version   +8  u32 descriptors in use   +12 u32 0
 * +16 u64 findings: broken poison or red zones that allocations found
 * +64 descriptors, {@value #DESCRIPTOR} bytes each, at most {@value #MAX_CACHES}:
 *     +0  u32 1 when in use  +4  u32 object size  +8  u32 alignment  +12 u32 stride
 *     +16 u32 first object offset  +20 u32 objects per slab  +24 u32 slab order
 *     +28 u32 alignment asked for
 *     +32 u64 head of the empty list  +40 u64 head of the partial list  +48 u64 head of the full list
 *     +56 u32 empty slabs  +60 u32 partial slabs  +64 u32 full slabs
 *     +68 u32 flags: bit 0 {@link #F_CONSTRUCTED}
 *     +72 u64 objects allocated   +80 u64 allocations ever made
 *     +96 name, {@value #NAME_BYTES} bytes of ASCII, NUL-padded
 * </pre>
 */
final class CacheTable {
    static final String ANCHOR = "slab";
    static final int MAGIC = 0x534B4C43;
    static final int VERSION = 1;
    static final int ORDER = 1;
    static final int USED = 8;
    static final int FINDINGS = 16;
    static final int DESCRIPTORS = 64;
    static final int DESCRIPTOR = 128;
    static final int MAX_CACHES = ((Geometry.PAGE << ORDER) - DESCRIPTORS) / DESCRIPTOR;

    static final int D_STATE = 0;
    static final int D_SIZE = 4;
    static final int D_ALIGN = 8;
    static final int D_STRIDE = 12;
    static final int D_FIRST = 16;
    static final int D_PER_SLAB = 20;
    static final int D_ORDER = 24;
    static final int D_ASKED_ALIGN = 28;
    /** u64 list heads, indexed by {@link SlabHeader#EMPTY} ... {@link SlabHeader#FULL}. */
    static final int D_HEADS = 32;
    /** u32 list lengths, indexed the same way. */
    static final int D_COUNTS = 56;
    /** u32 flags, 0 in tables written before there were any. */
    static final int D_FLAGS = 68;
    /**
     * The cache was created with a constructor: its free objects hold their constructed state, not
     * poison, whether or not the constructor is registered again since a restart.
     */
    static final int F_CONSTRUCTED = 1;
    static final int KNOWN_FLAGS = F_CONSTRUCTED;
    static final int D_ACTIVE = 72;
    static final int D_TOTAL = 80;
    static final int D_NAME = 96;
    static final int NAME_BYTES = 32;

    static long descriptor(long table, int index) {
        return table + DESCRIPTORS + (long) index * DESCRIPTOR;
    }

    private CacheTable() {
    }
}
