package org.clkernel.api.replacement;

import org.osgi.annotation.versioning.ProviderType;

/** What the system running a policy offers it. */
@ProviderType
public interface PolicyHost {
    /** {@link #nextUse} when the page is never referenced again. */
    long NEVER = Long.MAX_VALUE;

    /**
     * Tests and clears the accessed bit of a resident page, as a kernel does with the PTE's A
     * flag (and an INVLPG, so that the next access sets it again).
     */
    boolean testAndClearAccessed(long page);

    /** Whether the host knows the future reference string (a replay does; a live system does not). */
    boolean knowsFuture();

    /**
     * Position in the reference string of the next reference to this page after the current
     * one, or {@link #NEVER}. Only when {@link #knowsFuture()}.
     *
     * @throws UnsupportedOperationException when the host does not know the future
     */
    long nextUse(long page);
}
