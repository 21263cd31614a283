package org.clkernel.api.supervisor;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Finds kernel heap blocks that nothing points to any more, as Linux kmemleak does (Catalin
 * Marinas, kernel documentation dev-tools/kmemleak): a tracing scan, conservative like a
 * mark-and-sweep collector's, from the kernel's own data (its roots) through every live block
 * reached. Every 32-bit word at 4-byte alignment that holds an address inside a live block's
 * payload counts as a pointer to that block; a block no chain of such words reaches from a root
 * is reported. A leak is a block that is still allocated but can no longer be freed.
 *
 * <p>A value that merely looks like a pointer keeps its block (a false negative, never a false
 * report of a block in use); a pointer kept outside every root and every live block (in a
 * register, or encoded) is not seen, and its block is reported.
 */
@ProviderType
public interface LeakDetector {

    /**
     * Registers a root, or replaces the one of that name: a range of kernel virtual memory that the
     * kernel's own data lives in, as kmemleak scans the data and bss sections and the stacks.
     *
     * @param name    1 or more characters
     * @param address a kernel virtual address in the heap window or the direct map
     * @param length  1 or more bytes, the whole range in the same one of the two
     * @throws IllegalArgumentException for an empty name or a range outside both
     */
    void addRoot(String name, long address, long length);

    /** Forgets a root; nothing happens when there is none of that name. */
    void removeRoot(String name);

    /**
     * Scans the roots and every live heap block reached from them, and reports the live blocks not
     * reached (those younger than the detector's minimum age left out).
     */
    LeakReport scan();
}
