package org.clkernel.api.x86;

/**
 * CR4 bits (SDM vol. 3A §2.5) that a 32-bit non-PAE machine with no extensions beyond PSE and PGE
 * implements. Setting any other bit is a general-protection fault.
 */
public final class Cr4 {
    /** Page size extensions: PDE.PS selects a 4 MiB page. */
    public static final int PSE = 1 << 4;
    /** Physical address extension: not implemented by this machine. */
    public static final int PAE = 1 << 5;
    /** Page global enable: TLB entries of pages with G set survive a CR3 load. */
    public static final int PGE = 1 << 7;

    /** The CR4 bits this machine implements. */
    public static final int SUPPORTED = PSE | PGE;

    private Cr4() {
    }
}
