package org.clkernel.itests;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * A Gogo session whose output and error streams the test reads, one command line at a time.
 *
 * <p>Gogo hands a command's return value back to the caller instead of printing it (the console
 * shell prints it); {@link #run} prints it, formatted, on the session's output and ends its last
 * line, so {@code out} holds the lines a user sees. Commands report errors on {@code System.err},
 * which Gogo's ThreadIO routes to the session's error stream while the command runs.
 */
final class ShellSession implements AutoCloseable {

    /** What one command line printed. */
    record Output(String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        List<String> errLines() {
            return err.lines().toList();
        }

        @Override
        public String toString() {
            return "out:\n" + out + "err:\n" + err;
        }
    }

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
    private final CommandSession session;

    ShellSession(CommandProcessor processor) {
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, err);
    }

    Output run(String commandLine) throws Exception {
        outBytes.reset();
        errBytes.reset();
        Object result = session.execute(commandLine);
        if (result != null) {
            String text = session.format(result, Converter.INSPECT).toString();
            out.print(text.endsWith("\n") ? text : text + "\n");
        }
        out.flush();
        err.flush();
        return new Output(outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
    }

    /** Runs a line that must succeed: nothing on err, something on out. */
    Output ok(String commandLine) throws Exception {
        Output o = run(commandLine);
        if (!o.err().isEmpty() || o.out().isBlank()) {
            throw new AssertionError(commandLine + " did not succeed:\n" + o);
        }
        return o;
    }

    @Override
    public void close() {
        session.close();
    }

    /** Waits, bounded, until a command service of this scope provides this function. */
    static void awaitCommand(BundleContext context, String scope, String function) throws Exception {
        ServiceTracker<Object, Object> command = new ServiceTracker<>(context, context.createFilter("(&("
                + CommandProcessor.COMMAND_SCOPE + "=" + scope + ")(" + CommandProcessor.COMMAND_FUNCTION + "=" + function + "))"), null);
        command.open();
        try {
            if (command.waitForService(Eventually.TIMEOUT_MS) == null) {
                throw new AssertionError(scope + ":" + function + " not within " + Eventually.TIMEOUT_MS + " ms");
            }
        } finally {
            command.close();
        }
    }
}
