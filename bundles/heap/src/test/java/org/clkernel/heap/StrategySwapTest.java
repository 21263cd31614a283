package org.clkernel.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.clkernel.api.heap.HeapView;
import org.clkernel.api.heap.KernelHeap;
import org.clkernel.api.heap.KernelHeap.StrategySwap;
import org.clkernel.api.heap.PlacementStrategy;
import org.clkernel.heap.bestfit.BestFitStrategy;
import org.clkernel.heap.tlsf.TlsfStrategy;
import org.junit.jupiter.api.Test;

class StrategySwapTest {
    private final BootedHeap h = BootedHeap.withoutQuarantine();
    private final KernelHeapService heap = h.heap;

    @Test
    void firstFitServesWhenNoStrategyIsInstalled() {
        assertEquals(KernelHeap.BUILTIN_STRATEGY, heap.strategy());
        assertEquals(null, heap.lastSwap());
    }

    @Test
    void theBestRankedStrategyIsTakenGreedily() {
        Installed bestFit = Installed.install(heap, "best-fit", 10, BestFitStrategy::new);
        assertEquals("best-fit", heap.strategy());
        Installed tlsf = Installed.install(heap, "tlsf", 20, TlsfStrategy::new);
        assertEquals("tlsf", heap.strategy());
        assertEquals(0, bestFit.outstanding, "the service object of the old strategy went back");
        assertEquals(1, tlsf.outstanding);
        StrategySwap swap = heap.lastSwap();
        assertEquals("best-fit", swap.from());
        assertEquals("tlsf", swap.to());
    }

    @Test
    void aSwapRecordsItsPause() {
        Installed.install(heap, "best-fit", 10, BestFitStrategy::new);
        StrategySwap swap = heap.lastSwap();
        assertEquals(KernelHeap.BUILTIN_STRATEGY, swap.from());
        assertEquals("best-fit", swap.to());
        assertTrue(swap.rebuildNanos() > 0);
        assertTrue(swap.quiesceNanos() >= 0);
        assertTrue(swap.pauseNanos() >= swap.quiesceNanos(), "the rebuild ran while calls could go on");
        assertEquals(1, swap.freeBlocks());
    }

    @Test
    void useStrategyChoosesByNameAndEmptyGoesBackToTheBestRanked() {
        Installed.install(heap, "best-fit", 10, BestFitStrategy::new);
        Installed.install(heap, "tlsf", 20, TlsfStrategy::new);
        heap.useStrategy("best-fit");
        assertEquals("best-fit", heap.strategy());
        heap.useStrategy(KernelHeap.BUILTIN_STRATEGY);
        assertEquals(KernelHeap.BUILTIN_STRATEGY, heap.strategy());
        heap.useStrategy("");
        assertEquals("tlsf", heap.strategy());
    }

    @Test
    void useStrategyRefusesAnUnknownName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> heap.useStrategy("buddy"));
        assertTrue(e.getMessage().contains("no placement strategy named 'buddy'"), e.getMessage());
    }

    @Test
    void whenTheServingStrategyLeavesTheNextTakesOverThenFirstFit() {
        Installed bestFit = Installed.install(heap, "best-fit", 10, BestFitStrategy::new);
        Installed tlsf = Installed.install(heap, "tlsf", 20, TlsfStrategy::new);
        long a = heap.kmalloc(100, 1);
        heap.removeStrategy(tlsf);
        assertEquals("best-fit", heap.strategy());
        assertEquals(0, tlsf.outstanding);
        heap.removeStrategy(bestFit);
        assertEquals(KernelHeap.BUILTIN_STRATEGY, heap.strategy());
        assertEquals(0, bestFit.outstanding);
        heap.kfree(a);
        h.assertIntact();
    }

    @Test
    void aStrategyAnsweringAUsedBlockIsContainedAndTheAllocationSucceeds() {
        long used = heap.kmalloc(64, 1);
        h.fill(used, 64, 0x5A);
        Installed bad = Installed.install(heap, "bad", 50, () -> new Answering(used - BlockTags.HEADER));
        long a = heap.kmalloc(64, 1);
        assertNotEquals(0, a);
        assertNotEquals(used, a);
        assertEquals(KernelHeap.BUILTIN_STRATEGY, heap.strategy());
        assertEquals(0, bad.outstanding);
        assertTrue(heap.lastSwap().reason().contains("a used block"), heap.lastSwap().reason());
        h.assertFilled(used, 64, 0x5A);
        h.assertIntact();
    }

    @Test
    void aStrategyAnsweringOutsideTheHeapIsContained() {
        Installed.install(heap, "bad", 50, () -> new Answering(0x1000));
        assertNotEquals(0, heap.kmalloc(64, 1));
        assertTrue(heap.lastSwap().reason().contains("outside the heap"), heap.lastSwap().reason());
        h.assertIntact();
    }

    @Test
    void aStrategyAnsweringABlockTooSmallIsContained() {
        long small = heap.kmalloc(32, 1);
        heap.kmalloc(32, 1); // keeps the small block from merging with the rest
        heap.kfree(small);
        Installed.install(heap, "bad", 50, () -> new Answering(small - BlockTags.HEADER));
        assertNotEquals(0, heap.kmalloc(1000, 1));
        assertTrue(heap.lastSwap().reason().contains("too small"), heap.lastSwap().reason());
        h.assertIntact();
    }

    @Test
    void aStrategyAnsweringAStaleHeaderInsideAMergedBlockIsContained() {
        long a = heap.kmalloc(64, 1);
        long b = heap.kmalloc(64, 1);
        heap.kmalloc(64, 1);
        heap.kfree(b);
        heap.kfree(a); // merges with b: b's header stays, stale, inside the merged block
        Installed.install(heap, "bad", 50, () -> new Answering(b - BlockTags.HEADER));
        assertNotEquals(0, heap.kmalloc(16, 1));
        assertTrue(heap.lastSwap().reason().contains("not the start of a free block"), heap.lastSwap().reason());
        h.assertIntact();
    }

    @Test
    void afterTheHeapLeavesItsUnbindsSwapNothingIn() {
        Installed bestFit = Installed.install(heap, "best-fit", 10, BestFitStrategy::new);
        Installed tlsf = Installed.install(heap, "tlsf", 20, TlsfStrategy::new);
        heap.deactivate();
        heap.removeStrategy(tlsf);
        heap.removeStrategy(bestFit);
        assertEquals(0, tlsf.outstanding);
        assertEquals(0, bestFit.outstanding);
        assertEquals(KernelHeap.BUILTIN_STRATEGY, heap.strategy());
    }

    @Test
    void aStrategyThatThrowsInFindIsContained() {
        Installed.install(heap, "bad", 50, () -> new Answering(-1));
        assertNotEquals(0, heap.kmalloc(64, 1));
        assertEquals(KernelHeap.BUILTIN_STRATEGY, heap.strategy());
        h.assertIntact();
    }

    @Test
    void aStrategyThatThrowsWhenABlockIsFreedIsContained() {
        Installed.install(heap, "best-fit", 10, BestFitStrategy::new);
        long a = heap.kmalloc(64, 1);
        heap.kmalloc(64, 1);
        Installed.install(heap, "bad", 50, ThrowingOnFree::new);
        heap.kfree(a);
        assertTrue(heap.lastSwap().reason().startsWith("bad failed"), heap.lastSwap().reason());
        long deadline = System.nanoTime() + 10_000_000_000L;
        // the swap is recorded right after the new strategy serves: wait for the record
        while (!(heap.lastSwap().to().equals("best-fit") && heap.strategy().equals("best-fit"))
                && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals("best-fit", heap.strategy(), "the next best-ranked takes over from first fit");
        assertEquals("bad failed (index full)", heap.lastSwap().reason());
        assertEquals(a, heap.kmalloc(64, 1), "best fit, rebuilt from the free blocks, finds the freed block");
        h.assertIntact();
    }

    @Test
    void aFailedStrategyIsNotTakenAgainUntilChosen() {
        Installed.install(heap, "bad", 50, () -> new Answering(-1));
        heap.kmalloc(64, 1);
        Installed.install(heap, "best-fit", 10, BestFitStrategy::new);
        assertEquals("best-fit", heap.strategy());
        heap.useStrategy("bad");
        assertEquals("bad", heap.strategy());
    }

    @Test
    void aStrategyThatCannotAttachLeavesFirstFitServing() {
        Installed bad = Installed.install(heap, "bad", 50, () -> new Answering(0) {
            @Override
            public void attach(HeapView view) {
                throw new IllegalStateException("no index today");
            }
        });
        assertEquals(KernelHeap.BUILTIN_STRATEGY, heap.strategy());
        assertEquals(0, bad.outstanding);
        assertTrue(heap.lastSwap().reason().contains("failed to attach"), heap.lastSwap().reason());
        assertNotEquals(0, heap.kmalloc(64, 1));
    }

    @Test
    void aSwapWaitsForTheCallInFlightAndHoldsOffNewOnes() throws Exception {
        CountDownLatch inFind = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Installed.install(heap, "slow", 10, () -> new Answering(0) {
            @Override
            public long find(long size) {
                inFind.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return 0;
            }
        });
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicLong allocated = new AtomicLong();
        Thread call = new Thread(() -> {
            try {
                allocated.set(heap.kmalloc(64, 1));
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        call.start();
        assertTrue(inFind.await(5, TimeUnit.SECONDS));
        AtomicLong swapped = new AtomicLong();
        Thread swap = new Thread(() -> {
            heap.useStrategy(KernelHeap.BUILTIN_STRATEGY);
            swapped.set(System.nanoTime());
        });
        swap.start();
        while (!parked(swap) && swap.isAlive()) {
            Thread.onSpinWait();
        }
        long waiting = System.nanoTime(); // the swap has closed the gate and waits for the heap's monitor
        AtomicLong lateDone = new AtomicLong();
        Thread late = new Thread(() -> {
            heap.kmalloc(32, 2);
            lateDone.set(System.nanoTime());
        });
        late.start();
        while (!parked(late) && late.isAlive()) {
            Thread.onSpinWait();
        }
        Thread.sleep(50);
        assertTrue(swap.isAlive(), "the swap waits for the call in flight");
        assertTrue(late.isAlive(), "a new call is not admitted while a swap waits");
        long released = System.nanoTime();
        release.countDown();
        call.join(5000);
        swap.join(5000);
        late.join(5000);
        assertEquals(null, thrown.get());
        assertNotEquals(0, allocated.get());
        assertTrue(swapped.get() >= released);
        assertTrue(lateDone.get() > 0, "the new call ran after the swap");
        assertEquals(2, heap.stats().blocks());
        StrategySwap s = heap.lastSwap();
        assertNotNull(s);
        assertTrue(s.quiesceNanos() >= released - waiting, "quiesce " + s.quiesceNanos());
        assertTrue(s.pauseNanos() >= s.quiesceNanos());
        h.assertIntact();
    }

    @Test
    void changesWhileTheNewIndexBuildsAreCaughtUpBeforeItServes() throws Exception {
        List<Long> blocks = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            blocks.add(heap.kmalloc(40 + i, 1));
        }
        for (int i = 0; i < 200; i += 2) {
            heap.kfree(blocks.get(i));
        }
        CountDownLatch building = new CountDownLatch(1);
        CountDownLatch changed = new CountDownLatch(1);
        AtomicBoolean armed = new AtomicBoolean();
        Installed.install(heap, "slow", 10, () -> new SlowToAttach(new TlsfStrategy(), armed, building, changed));
        // the install above swapped on this thread at full speed: swap again from another one, slowly, and change the heap meanwhile
        heap.useStrategy(KernelHeap.BUILTIN_STRATEGY);
        armed.set(true);
        Thread swap = new Thread(() -> heap.useStrategy("slow"));
        swap.start();
        assertTrue(building.await(5, TimeUnit.SECONDS));
        assertEquals(KernelHeap.BUILTIN_STRATEGY, heap.strategy(), "calls go on with the old strategy while the index builds");
        for (int i = 1; i < 200; i += 4) {
            heap.kfree(blocks.get(i)); // merges with the free neighbours the snapshot holds
        }
        long a = heap.kmalloc(3000, 1); // takes from the top block the snapshot holds
        for (int i = 0; i < 300; i++) { // more changes than the pause takes: they are caught up in rounds before it
            heap.kfree(heap.kmalloc(24 + i, 1));
        }
        changed.countDown();
        swap.join(5000);
        assertEquals("slow", heap.strategy());
        assertNull(heap.servingStrategy().check(heap.freeBlocks()), "the index caught up with every change");
        h.assertIntact();
        heap.kfree(a);
        h.assertIntact();
    }

    @Test
    void aStrategyThatOffersNothingWhileTheLastBlockFitsLeavesTheHeapIntact() {
        Installed.install(heap, "blind", 50, () -> new Answering(0));
        long a = heap.kmalloc(64, 1);
        assertNotEquals(0, a);
        assertEquals("blind", heap.strategy(), "answering 0 is allowed: the heap grows or uses its last block");
        h.assertIntact();
    }

    private static boolean parked(Thread t) {
        Thread.State state = t.getState();
        return state == Thread.State.WAITING || state == Thread.State.BLOCKED;
    }

    /** A strategy that answers one fixed address; -1 makes it throw. */
    static class Answering implements PlacementStrategy {
        private final long answer;

        Answering(long answer) {
            this.answer = answer;
        }

        @Override
        public void attach(HeapView view) {
        }

        @Override
        public void detach() {
        }

        @Override
        public void blockFreed(long address, long size) {
        }

        @Override
        public void blockUsed(long address) {
        }

        @Override
        public long find(long size) {
            if (answer == -1) {
                throw new IllegalStateException("lost its index");
            }
            return answer;
        }

        @Override
        public String check(HeapView heap) {
            return answer == 0 ? null : "answers one fixed block";
        }
    }

    /** A real strategy whose attach, once armed and its index built, waits until the test has changed the heap. */
    record SlowToAttach(PlacementStrategy real, AtomicBoolean armed, CountDownLatch building, CountDownLatch changed)
            implements PlacementStrategy {
        @Override
        public void attach(HeapView view) {
            real.attach(view);
            if (!armed.get()) {
                return;
            }
            building.countDown();
            try {
                changed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void detach() {
            real.detach();
        }

        @Override
        public void blockFreed(long address, long size) {
            real.blockFreed(address, size);
        }

        @Override
        public void blockUsed(long address) {
            real.blockUsed(address);
        }

        @Override
        public long find(long size) {
            return real.find(size);
        }

        @Override
        public String check(HeapView heap) {
            return real.check(heap);
        }
    }

    /** Fails when a block is freed. */
    static final class ThrowingOnFree extends Answering {
        ThrowingOnFree() {
            super(0);
        }

        @Override
        public void blockFreed(long address, long size) {
            throw new IllegalStateException("index full");
        }
    }
}
