package org.clkernel.api.machine;

/** What a memory access does, as the MMU sees it. */
public enum AccessKind {
    READ,
    WRITE,
    /** An instruction fetch; with 32-bit paging and no SMEP it is checked like a read. */
    FETCH;

    public boolean isWrite() {
        return this == WRITE;
    }
}
