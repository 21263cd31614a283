package org.clkernel.api.actor;

/**
 * An actor and its quotas. A quota of 0 means unlimited.
 *
 * @param id          small integer that owns frames and heap blocks; 0 is the kernel
 * @param name        unique name
 * @param frameQuota  frames the actor may hold at once
 * @param heapQuota   heap bytes the actor may hold at once
 */
public record Actor(int id, String name, long frameQuota, long heapQuota) {
    /** The CLKernel default quota: 1 MiB. */
    public static final long DEFAULT_FRAME_QUOTA = 256;
    public static final long DEFAULT_HEAP_QUOTA = 1L << 20;
    public static final String KERNEL_NAME = "kernel";
}
