package org.clkernel.api.physical;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Tells the frame allocator how many frames an owner may hold. Provided by whoever keeps the
 * actors; without it every owner is unlimited.
 */
@ConsumerType
public interface FrameQuota {
    /** The owner's frame quota; 0 means unlimited. */
    long frameQuota(int owner);
}
