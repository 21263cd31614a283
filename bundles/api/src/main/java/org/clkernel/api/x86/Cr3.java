package org.clkernel.api.x86;

/** CR3 fields for 32-bit paging (SDM vol. 3A §4.3, table 4-3). */
public final class Cr3 {
    public static final int PWT = 1 << 3;
    public static final int PCD = 1 << 4;
    /** Bits 31:12: physical address of the page directory. */
    public static final int PD_BASE = 0xFFFFF000;
    /** Bits kept on a load; the rest are reserved and read as 0. */
    public static final int DEFINED = PD_BASE | PWT | PCD;

    private Cr3() {
    }
}
