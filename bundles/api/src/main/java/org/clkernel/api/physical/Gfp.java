package org.clkernel.api.physical;

/** Allocation flags, after Linux's GFP flags. */
public final class Gfp {
    /** No special request: Normal zone first, DMA zone as a fallback. */
    public static final int NONE = 0;
    /** The frames must be below 16 MiB (ISA DMA reach). */
    public static final int DMA = 1;
    /** The frames are zero-filled before they are handed out. */
    public static final int ZERO = 1 << 1;

    private Gfp() {
    }
}
