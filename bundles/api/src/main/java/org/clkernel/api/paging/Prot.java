package org.clkernel.api.paging;

import org.clkernel.api.x86.Paging;

/**
 * Protection of a mapping or region: a page is always readable (32-bit paging without NX cannot
 * refuse a read of a present page), writable with {@link #WRITE}, reachable from user mode with
 * {@link #USER}. The bits are those of R/W and U/S in a PTE.
 */
public final class Prot {
    /** Read only, supervisor only. */
    public static final int READ = 0;
    public static final int WRITE = Paging.RW;
    public static final int USER = Paging.US;
    /** Every bit a protection may have. */
    public static final int ALL = WRITE | USER;

    /** "r-", "rw", "r-u", "rwu": what a page table dump shows. */
    public static String describe(int prot) {
        return "r" + ((prot & WRITE) != 0 ? "w" : "-") + ((prot & USER) != 0 ? "u" : "");
    }

    private Prot() {
    }
}
