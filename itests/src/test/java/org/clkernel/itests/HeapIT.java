package org.clkernel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Hashtable;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.clkernel.api.CheckResult;
import org.clkernel.api.heap.KernelHeap;
import org.clkernel.api.machine.Machine;
import org.clkernel.api.paging.VirtualMemory;
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
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The kernel heap in Felix: its commands through a Gogo session, a strategy bundle stopped while
 * it serves, and a restart of the heap bundle that keeps every block and its contents.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class HeapIT {
    @Inject
    BundleContext context;

    @Inject
    CommandProcessor processor;

    @Inject
    Machine machine;

    @Inject
    VirtualMemory vm;

    @Inject
    KernelHeap kernelHeap;

    @Inject
    ConfigurationAdmin configurationAdmin;

    private ShellSession shell;

    @Configuration
    public Option[] configuration() {
        return RuntimeBundles.withHeap();
    }

    @Before
    public void open() throws Exception {
        ShellSession.awaitCommand(context, "heap", "alloc");
        shell = new ShellSession(processor);
    }

    @After
    public void close() {
        shell.close();
    }

    @Test
    public void allocSwapFreeAndCheckThroughTheShell() throws Exception {
        Eventually.awaitTrue("tlsf, the best ranked, in use", () -> kernelHeap.strategy().equals("tlsf"));
        assertTrue(shell.ok("heap:strategy").out().startsWith("strategy tlsf"));
        String address = shell.ok("heap:alloc 100").out().substring(0, 10);
        assertTrue(shell.ok("heap:stats").out().contains("blocks     1 live"));
        assertTrue(shell.ok("heap:strategy use best-fit").out().startsWith("strategy best-fit\nlast swap  tlsf -> best-fit"));
        assertEquals("freed " + address + "\n", shell.ok("heap:free " + address).out());
        assertTrue(shell.ok("mem:check").out().contains("kernel heap: ok"));
        ShellSession.Output again = shell.run("heap:free " + address);
        assertEquals("", again.out());
        assertEquals(1, again.errLines().size());
    }

    @Test
    public void theConfiguredStrategyAndChecksTakeEffectLive() throws Exception {
        Eventually.awaitTrue("tlsf, the best ranked, in use", () -> kernelHeap.strategy().equals("tlsf"));
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("strategy", "next-fit");
        properties.put("quarantine.bytes", "1024");
        properties.put("zero.on.free", "false");
        configurationAdmin.getConfiguration("org.clkernel.heap", "?").update(properties);
        Eventually.awaitTrue("next-fit configured", () -> kernelHeap.strategy().equals("next-fit")
                && kernelHeap.lastSwap() != null && "next-fit".equals(kernelHeap.lastSwap().to()));
        Eventually.awaitTrue("the checks configured", () -> kernelHeap.checks().quarantineBytes() == 1024
                && !kernelHeap.checks().zeroOnFree());
        assertTrue(kernelHeap.lastSwap().reason(), kernelHeap.lastSwap().reason().contains("next-fit configured"));
        assertTrue(shell.ok("heap:stats").out().contains("checks     canary on, poison on, zero on free off"));
        String map = shell.ok("heap:map").out();
        assertTrue(map, map.contains("one character = "));
        assertTrue(shell.ok("heap:actors").out().startsWith("id"));
        ShellSession.Output bad = shell.run("heap:alloc --align 48 64");
        assertEquals(1, bad.errLines().size());
    }

    @Test
    public void aStrategyBundleStoppedWhileServingHandsOverAndAllocationsGoOn() throws Exception {
        ServiceTracker<KernelHeap, KernelHeap> tracker = new ServiceTracker<>(context, KernelHeap.class, null);
        tracker.open();
        try {
            KernelHeap heap = tracker.waitForService(Eventually.TIMEOUT_MS);
            Eventually.awaitTrue("tlsf in use", () -> heap.strategy().equals("tlsf"));
            long a = heap.kmalloc(200, 0);
            RuntimeBundles.installed(context, "org.clkernel.heap.tlsf").stop();
            assertEquals("segregated-fit", heap.strategy()); // the next best ranked: 15
            long b = heap.kmalloc(300, 0);
            assertTrue(a != 0 && b != 0 && a != b);
            heap.kfree(a);
            heap.kfree(b);
            CheckResult check = heap.check();
            assertTrue(check.toString(), check.isOk());
        } finally {
            tracker.close();
        }
    }

    @Test
    public void aRestartedHeapBundleKeepsEveryBlockAndItsContents() throws Exception {
        ServiceTracker<KernelHeap, KernelHeap> tracker = new ServiceTracker<>(context, KernelHeap.class, null);
        tracker.open();
        try {
            KernelHeap heap = tracker.waitForService(Eventually.TIMEOUT_MS);
            KernelBytes bytes = new KernelBytes(vm, machine);
            long[] blocks = new long[50];
            for (int i = 0; i < blocks.length; i++) {
                blocks[i] = heap.kmalloc(16 + 24L * i, 0);
                bytes.write32(blocks[i], 0xC0DE0000 | i);
            }
            long oldId = Eventually.serviceId(tracker.getServiceReference());
            Bundle bundle = RuntimeBundles.installed(context, RuntimeBundles.HEAP);
            bundle.stop();
            bundle.start();
            KernelHeap again = Eventually.awaitServiceOtherThan(tracker, oldId, "a new KernelHeap service");
            assertEquals(blocks.length, again.stats().blocks());
            for (int i = 0; i < blocks.length; i++) {
                assertTrue(again.usableSize(blocks[i]) >= 16 + 24L * i);
                assertEquals(0xC0DE0000 | i, bytes.read32(blocks[i]));
            }
            CheckResult check = again.check();
            assertTrue(check.toString(), check.isOk());
        } finally {
            tracker.close();
        }
    }
}
