package org.clkernel.slab;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What the allocator knows in Java about one slab: its cache and, per object, whether a caller
 * holds it. An object the slab's bitmap in RAM marks allocated is either handed out (its byte here
 * is 1) or in a magazine (0). A free changes 1 to 0 with one compare-and-set, so of two frees of
 * the same object, from any threads, exactly one succeeds: the other is a double free.
 *
 * <p>This is a cache of RAM state: the allocator drains every magazine before an instance goes,
 * so a new instance rebuilds it from the bitmaps (every allocated object is handed out).
 */
final class SlabTag {
    private static final VarHandle LIVE = MethodHandles.arrayElementVarHandle(byte[].class);

    final Cache cache;
    final long base;
    private final byte[] live;

    SlabTag(Cache cache, long base, int objects) {
        this.cache = cache;
        this.base = base;
        this.live = new byte[objects];
    }

    /** Marks an object handed out; only its magazine's owner (or the slab layer) calls this for it. */
    void handOut(int i) {
        LIVE.setRelease(live, i, (byte) 1);
    }

    /** Takes an object back from a caller: false when no caller held it (a double free). */
    boolean takeBack(int i) {
        return LIVE.compareAndSet(live, i, (byte) 1, (byte) 0);
    }

    /** Marks every object the slab's bitmap in RAM marks allocated as handed out, as on attach. */
    SlabTag handOutAllocated(Cache c) {
        for (int i = 0; i < live.length; i++) {
            if (c.allocated(base, i)) {
                live[i] = 1;
            }
        }
        return this;
    }

    boolean live(int i) {
        return (byte) LIVE.getAcquire(live, i) != 0;
    }
}
