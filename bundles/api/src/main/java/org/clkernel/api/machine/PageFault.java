package org.clkernel.api.machine;

import org.clkernel.api.x86.PageFaultError;

/**
 * A #PF as the processor reports it: the error code pushed on the stack and CR2.
 *
 * @param errorCode     bits of {@link PageFaultError}
 * @param linearAddress the faulting linear address, as loaded into CR2
 * @param access        what the access was
 */
public record PageFault(int errorCode, long linearAddress, AccessKind access) {

    public boolean isProtectionViolation() {
        return (errorCode & PageFaultError.P) != 0;
    }

    public boolean isWrite() {
        return (errorCode & PageFaultError.WR) != 0;
    }

    public boolean isUser() {
        return (errorCode & PageFaultError.US) != 0;
    }

    public boolean isReservedBit() {
        return (errorCode & PageFaultError.RSVD) != 0;
    }

    /** The shell's one-line form: {@code #PF err=0x6 CR2=0x00400000}. */
    @Override
    public String toString() {
        return String.format("#PF err=0x%x CR2=0x%08x", errorCode, linearAddress);
    }
}
