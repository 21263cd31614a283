package org.clkernel.shell;

import java.util.function.Supplier;

import org.clkernel.api.machine.PageFaultException;

/**
 * Runs a command body so that bad input and refused operations come out as one line on the error
 * stream ("mem:xp: ...") instead of a stack trace.
 */
final class Commands {
    private Commands() {
    }

    static Object run(String command, Supplier<Object> body) {
        try {
            return body.get();
        } catch (IllegalArgumentException | IllegalStateException | PageFaultException
                | UnsupportedOperationException e) {
            System.err.println(command + ": " + e.getMessage());
            return null;
        }
    }
}
