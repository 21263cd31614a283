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

    /**
     * The answer to a call with the wrong number of arguments: Gogo tries the exact-arity methods
     * first and falls back to a command's {@code String...} method, which calls this.
     */
    static Object usage(String command, String arguments) {
        System.err.println(command + ": usage: " + command + (arguments.isEmpty() ? "" : " " + arguments)
                + "  (help " + command + " describes it)");
        return null;
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
