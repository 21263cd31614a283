package org.clkernel.itests;

import static org.clkernel.itests.HeapWorker.awaitProgress;
import static org.clkernel.itests.HeapWorker.operations;
import static org.clkernel.itests.HeapWorker.stopAll;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.FileInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.clkernel.api.CheckResult;
import org.clkernel.api.heap.KernelHeap;
import org.clkernel.api.heap.KernelHeap.StrategySwap;
import org.clkernel.api.machine.Machine;
import org.clkernel.api.paging.VirtualMemory;
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
 * The kernel heap under load in Felix: two threads allocate, fill and free blocks while the
 * placement strategy is swapped a thousand times, or while the strategy bundles are updated,
 * stopped and started under them; and a restart of the heap bundle with 100,000 live blocks. No
 * allocation may fail (the machine's 128 MiB are far more than the few hundred KiB the workers
 * hold), no block may be lost or changed, and the heap's integrity walk must pass at the end.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class HeapLoadIT {
    private static final List<String> CYCLE = List.of("tlsf", "best-fit", KernelHeap.BUILTIN_STRATEGY, "");
    /** Live blocks per worker at most: 200 of at most 2000 bytes, under 400 KiB each. */
    private static final int MAX_LIVE = 200;
    private static final int RESTART_BLOCKS = 100_000;

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
        return RuntimeBundles.withHeap();
    }

    @Test
    public void aThousandStrategySwapsUnderTwoAllocatingThreadsLoseNothing() throws Exception {
        Eventually.awaitTrue("tlsf, the best ranked, in use", () -> heap.strategy().equals("tlsf"));
        long baseline = heap.stats().blocks();
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        List<HeapWorker> workers = startWorkers(problems);
        long maxPause = 0;
        int swaps = 0;
        for (int i = 0; i < 1000; i++) {
            StrategySwap before = heap.lastSwap();
            heap.useStrategy(CYCLE.get(i % CYCLE.size()));
            StrategySwap after = heap.lastSwap();
            if (after != null && after != before) {
                swaps++;
                maxPause = Math.max(maxPause, after.pauseNanos());
            }
            awaitProgress(workers, problems);
        }
        stopAll(workers);
        assertNotNull("the swaps are recorded", heap.lastSwap());
        System.out.printf("HeapLoadIT: 1000 strategy choices, %d swaps, longest pause %d us, %d heap calls%n",
                swaps, TimeUnit.NANOSECONDS.toMicros(maxPause), operations(workers));
        checkAndFreeEverything(workers, problems, baseline);
    }

    @Test
    public void strategyBundlesUpdatedStoppedAndStartedUnderTwoAllocatingThreadsLoseNothing() throws Exception {
        Eventually.awaitTrue("tlsf, the best ranked, in use", () -> heap.strategy().equals("tlsf"));
        long baseline = heap.stats().blocks();
        Bundle tlsf = RuntimeBundles.installed(context, "org.clkernel.heap.tlsf");
        Bundle bestFit = RuntimeBundles.installed(context, "org.clkernel.heap.bestfit");
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        List<HeapWorker> workers = startWorkers(problems);
        for (int round = 0; round < 5; round++) {
            // the serving strategy's bundle is replaced: best fit stands in, then the new tlsf takes over
            try (InputStream jar = new FileInputStream(RuntimeBundles.jar("org.clkernel.heap.tlsf"))) {
                tlsf.update(jar);
            }
            Eventually.awaitTrue("tlsf serves again after update " + round, () -> heap.strategy().equals("tlsf"));
            awaitProgress(workers, problems);
            heap.useStrategy("best-fit");
            awaitProgress(workers, problems);
            // the chosen strategy's bundle stops while serving, and comes back when it starts
            bestFit.stop();
            assertEquals("the best ranked stands in for the stopped best fit", "tlsf", heap.strategy());
            awaitProgress(workers, problems);
            bestFit.start();
            Eventually.awaitTrue("best fit chosen serves again after its start", () -> heap.strategy().equals("best-fit"));
            awaitProgress(workers, problems);
            heap.useStrategy("");
            assertEquals("tlsf", heap.strategy());
        }
        stopAll(workers);
        System.out.printf("HeapLoadIT: 5 updates of tlsf and 5 restarts of best fit under %d heap calls%n",
                operations(workers));
        checkAndFreeEverything(workers, problems, baseline);
    }

    @Test
    public void aRestartedHeapBundleKeepsAHundredThousandLiveBlocksIntact() throws Exception {
        ServiceTracker<KernelHeap, KernelHeap> tracker = new ServiceTracker<>(context, KernelHeap.class, null);
        tracker.open();
        try {
            KernelHeap first = tracker.waitForService(Eventually.TIMEOUT_MS);
            KernelBytes bytes = new KernelBytes(vm, machine);
            long baseline = first.stats().blocks();
            long[] address = new long[RESTART_BLOCKS];
            long start = System.nanoTime();
            for (int i = 0; i < RESTART_BLOCKS; i++) {
                address[i] = first.kmalloc(restartSize(i), 0);
                assertNotEquals("kmalloc of block " + i, 0, address[i]);
                bytes.fill(address[i], restartSize(i), i);
            }
            long allocated = System.nanoTime();

            long oldId = Eventually.serviceId(tracker.getServiceReference());
            Bundle bundle = RuntimeBundles.installed(context, RuntimeBundles.HEAP);
            bundle.stop();
            bundle.start();
            KernelHeap again = Eventually.awaitServiceOtherThan(tracker, oldId, "a new KernelHeap service");
            long restarted = System.nanoTime();

            assertEquals(baseline + RESTART_BLOCKS, again.stats().blocks());
            for (int i = 0; i < RESTART_BLOCKS; i++) {
                int size = restartSize(i);
                long usable = again.usableSize(address[i]);
                if (usable < size) {
                    fail(String.format("block %d at 0x%x: %d usable bytes for %d asked", i, address[i], usable, size));
                }
                int bad = bytes.mismatch(address[i], size, i);
                if (bad >= 0) {
                    fail(String.format("block %d at 0x%x of %d bytes differs at offset %d after the restart",
                            i, address[i], size, bad));
                }
            }
            CheckResult check = again.check();
            assertTrue(check.toString(), check.isOk());
            long verified = System.nanoTime();

            for (long a : address) {
                again.kfree(a);
            }
            assertEquals(baseline, again.stats().blocks());
            check = again.check();
            assertTrue(check.toString(), check.isOk());
            System.out.printf("HeapLoadIT: %d blocks: allocate and fill %d ms, restart %d ms, verify %d ms, free %d ms%n",
                    RESTART_BLOCKS, millis(start, allocated), millis(allocated, restarted), millis(restarted, verified),
                    millis(verified, System.nanoTime()));
        } finally {
            tracker.close();
        }
    }

    /** 16 to 64 bytes. */
    private static int restartSize(int i) {
        return 16 + i % 49;
    }

    private List<HeapWorker> startWorkers(Queue<String> problems) {
        KernelBytes bytes = new KernelBytes(vm, machine);
        List<HeapWorker> workers = List.of(
                new HeapWorker("heap-load-1", heap, bytes, 1, MAX_LIVE, problems),
                new HeapWorker("heap-load-2", heap, bytes, 2, MAX_LIVE, problems));
        workers.forEach(HeapWorker::start);
        return workers;
    }

    /**
     * After the workers stopped: nothing went wrong on their side, the heap counts exactly the
     * blocks they hold, each still holds its pattern and frees exactly once, and the heap is sound.
     */
    private void checkAndFreeEverything(List<HeapWorker> workers, Queue<String> problems, long baseline) {
        assertTrue("worker problems: " + problems, problems.isEmpty());
        for (HeapWorker w : workers) {
            assertEquals("failed allocations", 0, w.failedAllocations());
        }
        assertTrue("the load ran: " + operations(workers) + " heap calls", operations(workers) > 1000);
        KernelBytes bytes = new KernelBytes(vm, machine);
        List<HeapWorker.Block> live = new ArrayList<>();
        workers.forEach(w -> live.addAll(w.live()));
        assertEquals("live blocks the heap counts", baseline + live.size(), heap.stats().blocks());
        for (HeapWorker.Block b : live) {
            int bad = bytes.mismatch(b.address(), b.size(), b.id());
            if (bad >= 0) {
                fail(String.format("block 0x%x of %d bytes differs from its pattern at offset %d", b.address(), b.size(), bad));
            }
            heap.kfree(b.address());
        }
        for (HeapWorker.Block b : live) {
            try {
                heap.kfree(b.address());
                fail(String.format("block 0x%x freed a second time", b.address()));
            } catch (IllegalArgumentException expected) {
                // freed once already
            }
        }
        assertEquals(baseline, heap.stats().blocks());
        CheckResult check = heap.check();
        assertTrue(check.toString(), check.isOk());
    }

    private static long millis(long from, long to) {
        return TimeUnit.NANOSECONDS.toMillis(to - from);
    }
}
