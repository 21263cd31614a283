package org.clkernel.api.machine;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The #PF vector of a CPU context. The MMU calls it with CR2 and the error code already set and
 * with the TLB entries for the faulting address already invalidated (SDM vol. 3A §4.10.4.1).
 */
@ConsumerType
@FunctionalInterface
public interface PageFaultHandler {

    /**
     * @return true if the handler changed the paging structures so that the access should be
     *         retried; false to deliver the fault to the caller as a {@link PageFaultException}
     */
    boolean handle(CpuContext context, PageFault fault);
}
