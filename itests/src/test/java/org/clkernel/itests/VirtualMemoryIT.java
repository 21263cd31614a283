package org.clkernel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.clkernel.api.CheckResult;
import org.clkernel.api.actor.ActorRegistry;
import org.clkernel.api.paging.Prot;
import org.clkernel.api.paging.VirtualMemory;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.physical.Gfp;
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
import org.osgi.util.tracker.ServiceTracker;

/**
 * The paging bundle in Felix: address spaces driven through the vm: commands, and a restart of the
 * bundle that keeps every space and mapping (its state is in emulated RAM).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class VirtualMemoryIT {
    private static final Pattern PFN = Pattern.compile("^pfn 0x([0-9a-f]+) order 0");

    @Inject
    BundleContext context;

    @Inject
    CommandProcessor processor;

    @Inject
    ActorRegistry actors;

    @Inject
    FrameAllocator frames;

    private ShellSession shell;

    @Configuration
    public Option[] configuration() {
        return RuntimeBundles.withReplacement();
    }

    @Before
    public void open() throws Exception {
        ShellSession.awaitCommand(context, "vm", "map");
        ShellSession.awaitCommand(context, "mmu", "access");
        shell = new ShellSession(processor);
    }

    @After
    public void close() {
        shell.close();
    }

    @Test
    public void mapTranslateAndUnmapThroughTheShell() throws Exception {
        shell.ok("actor:create web");
        shell.ok("vm:create web");
        Matcher m = PFN.matcher(shell.ok("mem:alloc --actor web 0").out());
        assertTrue(m.find());
        String pa = String.format("0x%08x", Long.parseLong(m.group(1), 16) << 12);
        assertEquals("web: 0x00400000 -> " + pa + " rwu\n", shell.ok("vm:map --actor web 0x400000 " + pa).out());
        assertEquals("web: 0x00400abc -> " + pa.substring(0, 7) + "abc\n", shell.ok("vm:translate --actor web 0x400abc").out());
        assertEquals("web: 0x00400000 unmapped (was " + pa + ")\n", shell.ok("vm:unmap --actor web 0x400000").out());
        assertEquals("web: 0x00400abc is not mapped\n", shell.ok("vm:translate --actor web 0x400abc").out());
        assertTrue(shell.ok("mem:check").out().contains("frame allocator: ok"));
    }

    @Test
    public void demandZeroFaultThroughTheShellContext() throws Exception {
        shell.ok("actor:create app");
        shell.ok("vm:create app");
        shell.ok("vm:reserve --actor app 0x10000000 0x10000");
        shell.ok("vm:activate app");
        String access = shell.ok("mmu:access --cpl 3 0x10002008 w").out();
        assertTrue(access, access.startsWith("0x10002008 -> 0x"));
        String stats = shell.ok("vm:stats").out();
        assertTrue(stats, Pattern.compile("(?m)^\\s*\\d+\\s+app\\s+1\\s+0\\s").matcher(stats).find());
        String kernel = shell.ok("mmu:access --cpl 3 0xc0001000 r").out();
        assertTrue("user access to the kernel half: " + kernel, kernel.startsWith("#PF err=0x5 CR2=0xc0001000"));
    }

    @Test
    public void aRestartedPagingBundleKeepsEverySpaceAndMapping() throws Exception {
        ServiceTracker<VirtualMemory, VirtualMemory> tracker = new ServiceTracker<>(context, VirtualMemory.class, null);
        tracker.open();
        try {
            VirtualMemory vm = tracker.waitForService(Eventually.TIMEOUT_MS);
            int actor = actors.create("kept", 0, 0).id();
            vm.createSpace(actor);
            long frame = frames.allocate(0, actor, Gfp.ZERO) << 12;
            vm.map(actor, 0x00800000L, frame, Prot.WRITE | Prot.USER);
            vm.reserve(actor, 0x20000000L, 0x8000, Prot.WRITE | Prot.USER);
            long oldId = Eventually.serviceId(tracker.getServiceReference());

            Bundle paging = RuntimeBundles.installed(context, RuntimeBundles.PAGING);
            paging.stop();
            paging.start();
            VirtualMemory again = Eventually.awaitServiceOtherThan(tracker, oldId, "a new VirtualMemory service");

            assertEquals(OptionalLong.of(frame + 0x10), again.physical(actor, 0x00800010L));
            assertEquals(1, again.regions(actor).size());
            CheckResult check = again.check();
            assertTrue(check.toString(), check.isOk());
        } finally {
            tracker.close();
        }
    }


}
