package org.clkernel.api.x86;

/** #PF error-code bits (SDM vol. 3A §4.7, figure 4-12). */
public final class PageFaultError {
    /** 0: no translation (a P flag was 0); 1: a protection violation. */
    public static final int P = 1;
    /** The access was a write. */
    public static final int WR = 1 << 1;
    /** The access was a user-mode access (CPL = 3). */
    public static final int US = 1 << 2;
    /** A reserved bit was set in a paging-structure entry. */
    public static final int RSVD = 1 << 3;
    /**
     * The access was an instruction fetch. In 32-bit paging this is 1 only with CR4.SMEP, which this
     * machine does not implement, so the MMU never sets it; the constant is here for completeness.
     */
    public static final int ID = 1 << 4;

    /** "P W U" style decoding of an error code. */
    public static String describe(int errorCode) {
        StringBuilder s = new StringBuilder();
        s.append((errorCode & P) != 0 ? "protection" : "not-present");
        s.append((errorCode & WR) != 0 ? " write" : " read");
        s.append((errorCode & US) != 0 ? " user" : " supervisor");
        if ((errorCode & RSVD) != 0) {
            s.append(" reserved-bit");
        }
        if ((errorCode & ID) != 0) {
            s.append(" fetch");
        }
        return s.toString();
    }

    private PageFaultError() {
    }
}
