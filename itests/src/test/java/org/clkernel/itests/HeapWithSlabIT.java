package org.clkernel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;

import org.clkernel.api.heap.KernelHeap;
import org.clkernel.api.machine.Machine;
import org.clkernel.api.paging.KernelLayout;
import org.clkernel.api.paging.VirtualMemory;
import org.clkernel.api.slab.SlabAllocator;
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
 * The heap and the slab allocator together in Felix: the kernel's small kmallocs come from the
 * size classes; the slab bundle stops and the heap serves them, the objects handed out staying
 * intact; it starts again, re-attaches, and takes them back.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class HeapWithSlabIT {
    @Inject
    BundleContext context;

    @Inject
    KernelHeap heap;

    @Inject
    Machine machine;

    @Inject
    VirtualMemory vm;

    @Configuration
    public Option[] configuration() {
        return RuntimeBundles.withHeapAndSlab();
    }

    private static boolean inDirectMap(long address) {
        return address >= KernelLayout.DIRECT_MAP && address < KernelLayout.DIRECT_MAP + KernelLayout.DIRECT_MAP_MAX;
    }

    @Test
    public void smallKmallocsComeFromTheSlabWhileItRunsAndSurviveItsAbsence() throws Exception {
        ServiceTracker<SlabAllocator, SlabAllocator> slabs = new ServiceTracker<>(context, SlabAllocator.class, null);
        slabs.open();
        try {
            SlabAllocator slab = slabs.waitForService(Eventually.TIMEOUT_MS);
            Eventually.awaitTrue("the heap uses the slab's size classes", () -> inDirectMap(heap.kmalloc(8, 0)));
            KernelBytes bytes = new KernelBytes(vm, machine);
            List<Long> objects = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                long a = heap.kmalloc(16 + 8 * (i % 50), 0);
                assertTrue(String.format("0x%x in the direct map", a), inDirectMap(a));
                bytes.fill(a, 16 + 8 * (i % 50), i);
                objects.add(a);
            }
            long before = slab.cache("kmalloc-64").orElseThrow().stats().activeObjs();

            Bundle bundle = RuntimeBundles.installed(context, "org.clkernel.slab");
            bundle.stop();
            long fromHeap = heap.kmalloc(64, 0);
            assertTrue("the heap serves without the slab", fromHeap >= KernelLayout.HEAP_WINDOW);
            try {
                heap.kfree(objects.get(0));
                fail("a slab object cannot be freed while no slab allocator runs");
            } catch (IllegalStateException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains("stays allocated"));
            }

            bundle.start();
            SlabAllocator again = slabs.waitForService(Eventually.TIMEOUT_MS);
            Eventually.awaitTrue("the heap uses the new slab's size classes", () -> inDirectMap(heap.kmalloc(8, 0)));
            assertEquals("every object survived in RAM", before, again.cache("kmalloc-64").orElseThrow().stats().activeObjs());
            for (int i = 0; i < objects.size(); i++) {
                assertEquals("object " + i + " intact", -1, bytes.mismatch(objects.get(i), 16 + 8 * (i % 50), i));
                heap.kfree(objects.get(i));
            }
            heap.kfree(fromHeap);
            assertTrue(again.check().toString(), again.check().isOk());
            assertTrue(heap.check().toString(), heap.check().isOk());
            assertNotEquals(slab, again);
        } finally {
            slabs.close();
        }
    }
}
