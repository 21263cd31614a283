package org.clkernel.api.x86;

/**
 * Page-directory and page-table entry bits for 32-bit paging (SDM vol. 3A §4.3, tables 4-4 to 4-6).
 */
public final class Paging {
    /** Present. */
    public static final int P = 1;
    /** Read/write: writes allowed when set (in every entry of the walk). */
    public static final int RW = 1 << 1;
    /** User/supervisor: user-mode access allowed when set (in every entry of the walk). */
    public static final int US = 1 << 2;
    public static final int PWT = 1 << 3;
    public static final int PCD = 1 << 4;
    /** Accessed: set by the MMU on every entry a successful walk uses. */
    public static final int A = 1 << 5;
    /** Dirty: set by the MMU in the entry that maps the page, on writes only. */
    public static final int D = 1 << 6;
    /** Page size (PDE only): with CR4.PSE, the PDE maps a 4 MiB page. */
    public static final int PS = 1 << 7;
    /** PAT bit of a PTE (same position as PDE.PS). */
    public static final int PTE_PAT = 1 << 7;
    /** Global (PTE, or PDE of a 4 MiB page): survives a CR3 load when CR4.PGE is set. */
    public static final int G = 1 << 8;
    /** PAT bit of a 4 MiB PDE. */
    public static final int PDE_4M_PAT = 1 << 12;
    /**
     * Bits 21:13 of a 4 MiB PDE are reserved when MAXPHYADDR is 32 (bits 20:13 would hold physical
     * address bits 39:32 with PSE-36, which this machine does not have). A 1 there is a RSVD fault.
     */
    public static final int PDE_4M_RESERVED = 0x003FE000;

    /** Address of the page table (PDE) or of the 4 KiB frame (PTE): bits 31:12. */
    public static final int FRAME_4K = 0xFFFFF000;
    /** Address of a 4 MiB frame: bits 31:22. */
    public static final int FRAME_4M = 0xFFC00000;

    public static final int PAGE_SHIFT = 12;
    public static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    public static final int LARGE_PAGE_SHIFT = 22;
    public static final long LARGE_PAGE_SIZE = 1L << LARGE_PAGE_SHIFT;
    public static final int ENTRIES_PER_TABLE = 1024;

    /** Index into the page directory: linear address bits 31:22. */
    public static int pdIndex(long linear) {
        return (int) (linear >>> 22) & 0x3FF;
    }

    /** Index into a page table: linear address bits 21:12. */
    public static int ptIndex(long linear) {
        return (int) (linear >>> 12) & 0x3FF;
    }

    /** Flags of an entry, decoded as "P RW US A D PS G" for people to read. */
    public static String describe(int entry, boolean isPde) {
        StringBuilder s = new StringBuilder();
        flag(s, entry, P, "P");
        flag(s, entry, RW, "RW");
        flag(s, entry, US, "US");
        flag(s, entry, PWT, "PWT");
        flag(s, entry, PCD, "PCD");
        flag(s, entry, A, "A");
        flag(s, entry, D, "D");
        flag(s, entry, PS, isPde ? "PS" : "PAT");
        flag(s, entry, G, "G");
        return s.length() == 0 ? "-" : s.toString();
    }

    private static void flag(StringBuilder s, int entry, int bit, String name) {
        if ((entry & bit) != 0) {
            if (s.length() > 0) {
                s.append(' ');
            }
            s.append(name);
        }
    }

    private Paging() {
    }
}
