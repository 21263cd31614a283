package org.clkernel.itests;

import static org.clkernel.itests.HeapWorker.awaitProgress;
import static org.clkernel.itests.HeapWorker.operations;
import static org.clkernel.itests.HeapWorker.stopAll;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.FileInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.clkernel.api.CheckResult;
import org.clkernel.api.machine.Machine;
import org.clkernel.api.slab.SlabAllocator;
import org.clkernel.api.slab.SlabCache;
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
 * The slab allocator in Felix: its commands through a Gogo session, and updates of the slab bundle
 * while two threads allocate, fill and free objects of two caches. Every update stops the instance
 * the threads use; they go on with the next, which re-attaches to the caches in RAM, and no object
 * may be lost, changed, counted wrongly or freed twice.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class SlabIT {
    private static final String CREATED = "it-objects";
    private static final List<String> CACHES = List.of("kmalloc-64", CREATED);
    private static final int UPDATES = 20;
    /** Slab calls the workers make between two updates, so that their live sets fill and churn. */
    private static final int CALLS_BETWEEN_UPDATES = 1000;
    /** Live objects per worker at most: 300 of at most 200 bytes. */
    private static final int MAX_LIVE = 300;

    @Inject
    BundleContext context;

    @Inject
    CommandProcessor processor;

    @Inject
    Machine machine;

    private ServiceTracker<SlabAllocator, SlabAllocator> tracker;
    private ShellSession shell;

    @Configuration
    public Option[] configuration() {
        return RuntimeBundles.withSlab();
    }

    @Before
    public void open() throws Exception {
        tracker = new ServiceTracker<>(context, SlabAllocator.class, null);
        tracker.open();
        ShellSession.awaitCommand(context, "slab", "info");
        shell = new ShellSession(processor);
    }

    @After
    public void close() {
        shell.close();
        tracker.close();
    }

    @Test
    public void slabCommandsThroughTheShellAndAcrossAnUpdate() throws Exception {
        List<String> info = shell.ok("slab:info").outLines();
        assertEquals("slabinfo - version: 2.1", info.get(0));
        assertTrue(info.get(1), info.get(1).startsWith("# name            <active_objs> <num_objs> <objsize>"));
        assertEquals(info.toString(), 2 + 11, info.size());
        String created = shell.ok("slab:create --align 64 it-shell 200").out();
        assertTrue(created, created.matches("created it-shell: 200-byte objects aligned to 64, \\d+ per slab of \\d+ frames?\n"));
        String address = shell.ok("slab:alloc it-shell").out().substring(0, 10);
        assertTrue(address, address.matches("0xc[0-9a-f]{7}") && Long.parseLong(address.substring(2), 16) % 64 == 0);
        assertTrue(shell.ok("slab:info").outLines().stream().anyMatch(l -> l.matches("it-shell +1 +\\d+ +200 .*")));

        // the commands follow the slab bundle to its next instance, which keeps the cache and the object
        update(RuntimeBundles.installed(context, RuntimeBundles.SLAB));
        ShellSession.awaitCommand(context, "slab", "info");
        assertTrue(shell.ok("slab:info").outLines().stream().anyMatch(l -> l.matches("it-shell +1 +\\d+ +200 .*")));
        assertEquals("freed " + address + " (it-shell)\n", shell.ok("slab:free " + address).out());

        assertOneError("slab:free " + address, "slab:free: free of " + address
                + " in cache it-shell: the object is already free (a double free)");
        assertOneError("slab:free 0x1000", "slab:free: 0x00001000 is in no slab");
        assertOneError("slab:alloc nope", "slab:alloc: no cache named 'nope'");
        assertOneError("slab:create it-shell 64", "slab:create: a cache named it-shell exists already");
        assertOneError("slab:alloc", "slab:alloc: usage: slab:alloc NAME  (help slab:alloc describes it)");
        assertTrue(shell.ok("slab:reap").out().matches("gave back [1-9]\\d* frames?\n"));
        assertTrue(shell.ok("slab:check").out().matches("slab allocator: ok \\(\\d+ checked\\)\n"));
    }

    private void assertOneError(String commandLine, String error) throws Exception {
        ShellSession.Output o = shell.run(commandLine);
        assertEquals(commandLine + " printed\n" + o, "", o.out());
        assertEquals(commandLine + " printed\n" + o, List.of(error), o.errLines());
    }

    @Test
    public void theSlabBundleUpdatedUnderTwoAllocatingThreadsLosesNoObject() throws Exception {
        SlabAllocator first = tracker.waitForService(Eventually.TIMEOUT_MS);
        first.create(CREATED, 200, 8);
        Map<String, Long> baseline = new HashMap<>();
        for (String name : CACHES) {
            baseline.put(name, first.cache(name).orElseThrow().stats().activeObjs());
        }
        Bundle bundle = RuntimeBundles.installed(context, RuntimeBundles.SLAB);
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        KernelBytes bytes = KernelBytes.directMap(machine);
        List<SlabObjects> sources = List.of(new SlabObjects(tracker, CACHES), new SlabObjects(tracker, CACHES));
        List<HeapWorker> workers = List.of(
                new HeapWorker("slab-load-1", sources.get(0), bytes, 1, MAX_LIVE, problems),
                new HeapWorker("slab-load-2", sources.get(1), bytes, 2, MAX_LIVE, problems));
        long start = System.nanoTime();
        workers.forEach(HeapWorker::start);
        long longestUpdate = 0;
        for (int i = 0; i < UPDATES; i++) {
            long target = operations(workers) + CALLS_BETWEEN_UPDATES;
            while (operations(workers) < target) {
                awaitProgress(workers, problems);
            }
            long t = System.nanoTime();
            update(bundle);
            longestUpdate = Math.max(longestUpdate, System.nanoTime() - t);
            awaitProgress(workers, problems);
        }
        stopAll(workers);
        long met = sources.stream().mapToLong(SlabObjects::stoppedInstancesMet).sum();
        List<HeapWorker.Block> live = new ArrayList<>();
        workers.forEach(w -> live.addAll(w.live()));
        System.out.printf("SlabIT: %d updates of the slab bundle under %d slab calls in %d ms (longest update %d ms);"
                + " the workers met a stopped instance %d times and hold %d objects%n", UPDATES, operations(workers),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), TimeUnit.NANOSECONDS.toMillis(longestUpdate), met,
                live.size());

        assertTrue("worker problems: " + problems, problems.isEmpty());
        for (HeapWorker w : workers) {
            assertEquals("failed allocations", 0, w.failedAllocations());
        }
        // each update's new instance was reached only through a stopped one
        assertTrue("stopped instances met: " + met, met >= UPDATES);
        assertTrue("the workers hold objects of both caches: " + live.size(), CACHES.stream()
                .allMatch(name -> live.stream().anyMatch(b -> b.pool().equals(name))));
        SlabAllocator last = tracker.getService();
        for (String name : CACHES) {
            long held = live.stream().filter(b -> b.pool().equals(name)).count();
            assertEquals("objects of " + name + " allocated", baseline.get(name) + held,
                    last.cache(name).orElseThrow().stats().activeObjs());
        }
        for (HeapWorker.Block b : live) {
            int bad = bytes.mismatch(b.address(), b.size(), b.id());
            if (bad >= 0) {
                fail(String.format("object 0x%x of %s differs from its pattern at offset %d", b.address(), b.pool(), bad));
            }
            SlabCache cache = last.cacheOf(b.address()).orElseThrow(
                    () -> new AssertionError(String.format("object 0x%x is in no slab", b.address())));
            assertEquals(b.pool(), cache.name());
            cache.free(b.address());
        }
        for (HeapWorker.Block b : live) {
            try {
                last.cache(b.pool()).orElseThrow().free(b.address());
                fail(String.format("object 0x%x of %s freed a second time", b.address(), b.pool()));
            } catch (IllegalArgumentException expected) {
                // freed once already
            }
        }
        for (String name : CACHES) {
            assertEquals("objects of " + name + " allocated after the frees", (long) baseline.get(name),
                    last.cache(name).orElseThrow().stats().activeObjs());
        }
        assertEquals("what allocations found broken", List.of(), last.findings());
        CheckResult check = last.check();
        assertTrue(check.toString(), check.isOk());
    }

    /** Updates the slab bundle from its jar and waits for the new instance's service. */
    private void update(Bundle bundle) throws Exception {
        long oldId = Eventually.serviceId(tracker.getServiceReference());
        try (InputStream jar = new FileInputStream(RuntimeBundles.jar(RuntimeBundles.SLAB))) {
            bundle.update(jar);
        }
        Eventually.awaitServiceOtherThan(tracker, oldId, "a new SlabAllocator service");
    }
}
