package org.clkernel.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the exported runtime jar as a separate process on a pseudo-terminal, as a user starts it,
 * types commands at the {@code g!} prompt and reads the screen.
 *
 * <p>The terminal comes from {@code script(1)} (util-linux, on every Debian machine) with a fixed
 * size, because the Gogo line editor needs a terminal with columns to draw its prompt.
 */
class RuntimeJarIT {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Path JAR = Paths.get("..", "runtime", "target", "clkernel.jar").toAbsolutePath().normalize();

    @TempDir
    Path workDir;

    private Process process;
    private final StringBuffer screen = new StringBuffer();
    private OutputStream keyboard;

    @BeforeEach
    void start() throws IOException, InterruptedException {
        assertTrue(Files.isRegularFile(JAR), "the runtime jar is built before the integration tests: " + JAR);
        Files.createDirectories(workDir.resolve("deploy"));
        String java = ProcessHandle.current().info().command().orElse("java");
        String command = "stty cols 160 rows 50; exec '" + java + "' -jar '" + JAR + "'";
        process = new ProcessBuilder("script", "-qefc", command, "/dev/null")
                .directory(workDir.toFile()).redirectErrorStream(true).start();
        keyboard = process.getOutputStream();
        Thread reader = new Thread(() -> pump(process.getInputStream()), "runtime-screen");
        reader.setDaemon(true);
        reader.start();
        awaitScreen("g!");
        awaitCommands();
        ready = screen.length();
    }

    /**
     * The prompt comes up while Declarative Services still activates the command components (the
     * more bundles, the later): like a user who met "Command not found", try again until the
     * CLKernel/J commands answer.
     */
    /** Where the screen stood when the commands first answered. */
    private int ready;

    private void awaitCommands() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            int from = screen.length();
            keys("mem:xp 0");
            while (System.nanoTime() < deadline) {
                String text = plain(screen.substring(Math.min(from, screen.length())));
                if (text.contains("00000000 ")) {
                    return; // the hex dump of physical address 0: the commands are there
                }
                if (text.contains("Command not found")) {
                    break;
                }
                Thread.sleep(50);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the mem: commands never came; the screen shows:\n" + plain(screen.toString()));
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void memMapAtThePromptShowsThePcMemoryMap() throws Exception {
        String out = type("mem:map", "ACPI data");
        assertTrue(out.contains("0x00000000  0x0009fbff"), out);
        assertTrue(out.contains("0x00100000  0x07feffff  126.9 MiB  usable"), out);
        assertTrue(out.contains("0xfee00000"), out);
    }

    @Test
    void aPokeIntoTheTextBufferShowsOnTheScreen() throws Exception {
        type("mem:poke --size 2 0xb8000 0x4e41", "<- 0x4e41");
        String out = type("mem:vga", "+" + "-".repeat(80) + "+\n" + "|" + "A");
        assertTrue(out.contains("|ALKernel/J  emulated x86"), out);
    }

    @Test
    void badInputGetsOneLineAndNoStackTrace() throws Exception {
        String out = type("mem:xp zz", "is not a number");
        assertTrue(out.contains("mem:xp: address 'zz' is not a number"), out);
        String regs = type("cpu:set cr4 0x20", "#GP");
        assertTrue(regs.contains("cpu:set: #GP: CR4 bits 0x20"), regs);
        String typed = screen.substring(ready); // after the probe for the commands, which may have met "Command not found"
        assertFalse(typed.contains("\tat "), "no stack trace on the screen");
        assertFalse(typed.contains("Exception"), "no exception name on the screen");
    }

    @Test
    void felixStopEndsTheLauncher() throws Exception {
        keys("felix:stop 0");
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the runtime stops");
        assertEquals(117, process.exitValue(), "the launcher's exit code for a framework stop");
    }

    // ---- a user at a terminal ------------------------------------------------------------------

    /** Types a command and returns what the screen shows after it, once {@code expected} appears. */
    private String type(String command, String expected) throws Exception {
        int from = screen.length();
        keys(command);
        return awaitScreen(from, expected);
    }

    private void keys(String line) throws IOException {
        keyboard.write((line + "\r").getBytes(StandardCharsets.UTF_8));
        keyboard.flush();
    }

    private String awaitScreen(String expected) throws InterruptedException {
        return awaitScreen(0, expected);
    }

    private String awaitScreen(int from, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            String text = plain(screen.substring(Math.min(from, screen.length())));
            if (text.contains(expected)) {
                return text;
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the screen never showed '" + expected + "'; it shows:\n" + plain(screen.toString()));
    }

    /** The screen without colour and cursor escapes and carriage returns. */
    static String plain(String raw) {
        return raw.replaceAll("\u001B\\[[0-9;?]*[ -/]*[@-~]", "").replaceAll("\u001B[=>]", "").replace("\r", "");
    }

    private void pump(InputStream in) {
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) > 0;) {
                screen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the process ended
        }
    }
}
