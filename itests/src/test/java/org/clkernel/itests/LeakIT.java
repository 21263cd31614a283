package org.clkernel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.clkernel.api.heap.KernelHeap;
import org.clkernel.api.machine.Machine;
import org.clkernel.api.paging.VirtualMemory;
import org.clkernel.api.supervisor.LeakDetector;
import org.clkernel.api.supervisor.LeakReport;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.BundleContext;

/**
 * A leak injected in a running kernel is reported: a list of heap blocks hangs from a root, one
 * node is unlinked without being freed, and the scan names it (and only it), through the service
 * and through ai:leaks.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class LeakIT {
    @Inject
    BundleContext context;

    @Inject
    CommandProcessor processor;

    @Inject
    KernelHeap heap;

    @Inject
    LeakDetector leaks;

    @Inject
    Machine machine;

    @Inject
    VirtualMemory vm;

    @Configuration
    public Option[] configuration() {
        return RuntimeBundles.withHeapAndSupervisor();
    }

    @Test
    public void aNodeUnlinkedWithoutAFreeIsReported() throws Exception {
        KernelBytes bytes = new KernelBytes(vm, machine);
        int site = heap.site("it.list");
        long root = heap.kmalloc(16, 0, heap.site("it.root"));
        long[] nodes = new long[20];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = heap.kmalloc(48, 0, site); // word 0: the next node
        }
        bytes.write32(root, (int) nodes[0]);
        for (int i = 0; i + 1 < nodes.length; i++) {
            bytes.write32(nodes[i], (int) nodes[i + 1]);
        }
        bytes.write32(nodes[nodes.length - 1], 0);
        leaks.addRoot("it.list", root, 16);
        assertEquals("a whole list hangs from the root", List.of(), addresses(leaks.scan()));

        bytes.write32(nodes[6], (int) nodes[8]); // node 7 is unlinked and not freed
        LeakReport report = leaks.scan();
        assertEquals(List.of(nodes[7]), addresses(report));
        assertEquals("it.list", report.leaks().get(0).site());
        assertEquals(48, report.leaks().get(0).size());

        ShellSession shell = new ShellSession(processor);
        try {
            ShellSession.awaitCommand(context, "ai", "leaks");
            String out = shell.ok("ai:leaks").out();
            assertTrue(out, out.contains(String.format("0x%08x", nodes[7])) && out.contains("1 leaks;"));
        } finally {
            shell.close();
        }
        heap.kfree(nodes[7]);
        assertEquals(List.of(), addresses(leaks.scan()));
    }

    private static List<Long> addresses(LeakReport report) {
        return report.leaks().stream().map(LeakReport.Leak::address).collect(Collectors.toList());
    }
}
