package org.clkernel.shell;

import java.util.List;
import java.util.function.Supplier;

import org.clkernel.api.CheckResult;
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

    /**
     * The report of an integrity check and the findings beside it: on the console when the check
     * passes, on the error stream when it does not.
     */
    static Object checkReport(CheckResult result, List<String> findings) {
        StringBuilder out = new StringBuilder();
        for (String finding : findings) {
            out.append(finding).append('\n');
        }
        if (!result.isOk()) {
            System.err.print(out);
            System.err.println(result);
            return null;
        }
        return out + result.toString();
    }
}
