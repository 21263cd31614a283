package org.clkernel.api.heap;

import org.osgi.annotation.versioning.ProviderType;

/** What a {@link PlacementStrategy} sees of the heap it serves. */
@ProviderType
public interface HeapView {

    /** Visits every free block in address order. */
    void forEachFree(FreeBlockVisitor visitor);

    /** Receives one free block. */
    @FunctionalInterface
    interface FreeBlockVisitor {
        void visit(long address, long size);
    }
}
