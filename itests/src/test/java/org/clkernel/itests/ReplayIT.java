package org.clkernel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertTrue;

import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.clkernel.api.paging.TraceReplayer;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleRevision;

/**
 * The replacement policies as installed bundles: registered as prototype services, used by
 * vm:replay through a Gogo session, gone when their bundle stops and back after an update.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class ReplayIT {
    /** The classic reference string of Belady's anomaly. */
    private static final String BELADY = "1\n2\n3\n4\n1\n2\n5\n1\n2\n3\n4\n5\n";

    @Inject
    BundleContext context;

    @Inject
    CommandProcessor processor;

    @Inject
    TraceReplayer replayer;

    private ShellSession shell;
    private Path trace;

    @Configuration
    public Option[] configuration() {
        return RuntimeBundles.withReplacement();
    }

    @Before
    public void open() throws Exception {
        ShellSession.awaitCommand(context, "vm", "replay");
        Eventually.awaitTrue("all seven policies", () -> replayer.policies().size() == 7);
        shell = new ShellSession(processor);
        trace = Files.createTempFile("belady", ".txt");
        Files.writeString(trace, BELADY);
    }

    @After
    public void close() throws Exception {
        shell.close();
        Files.deleteIfExists(trace);
    }

    @Test
    public void everyPolicyIsListedBestRankedFirst() throws Exception {
        assertEquals(List.of("arc", "lirs", "2q", "lru", "clock", "fifo", "opt"),
                replayer.policies().stream().map(TraceReplayer.Policy::name).collect(Collectors.toList()));
        String listing = shell.run("vm:policy list").out();
        assertTrue(listing, listing.matches("(?s)POLICY\\s+RANKING\\s+IN USE\narc\\s+50\\s+\\*\nlirs\\s+45\n.*opt\\s+0\n"));
    }

    @Test
    public void replayThroughTheShellShowsBeladysAnomaly() throws Exception {
        assertEquals(9, misses("fifo", 3));
        assertEquals(10, misses("fifo", 4));
        assertEquals(10, misses("lru", 3));
        assertEquals(8, misses("lru", 4));
        assertEquals(7, misses("opt", 3));
        assertEquals(6, misses("opt", 4));
    }

    @Test
    public void machineModeFaultsAsOftenAsFifoMissesAndLeavesNoSpaceBehind() throws Exception {
        ShellSession.Output out = shell.run("vm:replay --mode machine --policy fifo --frames 3 " + trace);
        assertEquals(out.toString(), "", out.err());
        String[] row = out.outLines().get(1).trim().split("\\s+");
        assertEquals("9", row[3]);
        String spaces = shell.run("vm:spaces").out();
        assertEquals("only the kernel's space is left:\n" + spaces, 2, spaces.lines().count());
        ShellSession.Output opt = shell.run("vm:replay --mode machine --policy opt --frames 3 " + trace);
        assertEquals(1, opt.errLines().size());
    }

    @Test
    public void aStoppedPolicyIsRefusedInOneLine() throws Exception {
        RuntimeBundles.installed(context, "org.clkernel.replacement.lru").stop();
        ShellSession.Output out = shell.run("vm:replay --policy lru --frames 3 " + trace);
        assertEquals("", out.out());
        assertEquals(List.of("vm:replay: no policy named 'lru' is installed (have: arc, lirs, 2q, clock, fifo, opt)"),
                out.errLines());
    }

    @Test
    public void anUpdatedPolicyBundleServesReplaysAgain() throws Exception {
        Bundle fifo = RuntimeBundles.installed(context, "org.clkernel.replacement.fifo");
        BundleRevision before = fifo.adapt(BundleRevision.class);
        try (InputStream jar = new FileInputStream(RuntimeBundles.jar("org.clkernel.replacement.fifo"))) {
            fifo.update(jar);
        }
        assertNotSame("a new revision of the bundle", before, fifo.adapt(BundleRevision.class));
        Eventually.awaitTrue("fifo registered again", () -> replayer.policies().stream().anyMatch(p -> p.name().equals("fifo")));
        assertEquals(9, misses("fifo", 3));
    }

    private long misses(String policy, int frames) throws Exception {
        ShellSession.Output out = shell.run("vm:replay --policy " + policy + " --frames " + frames + " " + trace);
        assertEquals(out.toString(), "", out.err());
        // POLICY FRAMES REFERENCES MISSES ...: the row under the header
        String[] row = out.outLines().get(1).trim().split("\\s+");
        assertEquals(policy, row[0]);
        assertEquals("12", row[2]);
        return Long.parseLong(row[3]);
    }

}
