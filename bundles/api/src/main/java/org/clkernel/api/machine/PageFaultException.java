package org.clkernel.api.machine;

/**
 * An access that faulted and that no handler resolved. Carries the error code and CR2.
 */
public class PageFaultException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient PageFault fault;

    public PageFaultException(PageFault fault) {
        this(fault, null);
    }

    public PageFaultException(PageFault fault, Throwable cause) {
        super(fault + " (" + org.clkernel.api.x86.PageFaultError.describe(fault.errorCode()) + ")", cause);
        this.fault = fault;
    }

    public PageFault fault() {
        return fault;
    }

    public int errorCode() {
        return fault.errorCode();
    }

    /** The faulting linear address, as CR2 holds it. */
    public long cr2() {
        return fault.linearAddress();
    }
}
