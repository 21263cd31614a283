package org.clkernel.api.x86;

/** CR0 bits (SDM vol. 3A §2.5). Only PE, WP and PG change what the emulated MMU does. */
public final class Cr0 {
    /** Protection enable: paging may only be turned on in protected mode. */
    public static final int PE = 1;
    public static final int MP = 1 << 1;
    public static final int EM = 1 << 2;
    public static final int TS = 1 << 3;
    /** Extension type: hard-wired to 1 on every processor since the Pentium. */
    public static final int ET = 1 << 4;
    public static final int NE = 1 << 5;
    /** Write protect: when set, supervisor-mode writes honour read-only pages. */
    public static final int WP = 1 << 16;
    public static final int AM = 1 << 18;
    public static final int NW = 1 << 29;
    public static final int CD = 1 << 30;
    /** Paging. */
    public static final int PG = 1 << 31;

    /** Bits that exist in a 32-bit CR0; the others are reserved and read as 0. */
    public static final int DEFINED = PE | MP | EM | TS | ET | NE | WP | AM | NW | CD | PG;

    private Cr0() {
    }
}
