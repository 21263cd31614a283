package org.clkernel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;

import javax.inject.Inject;

import org.clkernel.api.CheckResult;
import org.clkernel.api.heap.KernelHeap;
import org.clkernel.api.heap.KernelHeap.StrategySwap;
import org.clkernel.api.machine.Machine;
import org.clkernel.api.paging.VirtualMemory;
import org.clkernel.itests.faulty.FaultyStrategy;
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

/**
 * A misbehaving placement strategy bundle, ranked above the others, is taken by the heap at once
 * and serves right for {@value #GOOD_FINDS} allocations; then it throws, or answers a used block, a
 * block too small or an address outside the heap. The heap must contain it inside the failing
 * call: the allocation still succeeds, first fit serves, the swap record names the failure, no
 * block is touched, and the failed strategy is not taken again until it is chosen by name.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class HeapFaultIT {
    private static final int GOOD_FINDS = 20;
    /** System property prefix: the location of the faulty bundle of each misbehaviour. */
    private static final String LOCATION = "clkernel.itest.faulty.";
    private static final List<String> MODES = List.of(FaultyStrategy.THROWS, FaultyStrategy.USED_BLOCK,
            FaultyStrategy.TOO_SMALL, FaultyStrategy.OUTSIDE);

    /** A block the test holds: its pattern id, address and the size it asked for. */
    private record Held(long id, long address, int size) {
    }

    @Inject
    BundleContext context;

    @Inject
    KernelHeap heap;

    @Inject
    Machine machine;

    @Inject
    VirtualMemory vm;

    private KernelBytes bytes;
    private final List<Held> held = new ArrayList<>();
    private long nextId;

    /** The faulty bundles are built here and installed by the tests, each by the one it is about. */
    @Configuration
    public Option[] configuration() {
        List<Option> options = new ArrayList<>(List.of(RuntimeBundles.withHeap()));
        for (String mode : MODES) {
            options.add(systemProperty(LOCATION + mode).value(FaultyBundles.write(mode, GOOD_FINDS)));
        }
        return options.toArray(Option[]::new);
    }

    @Inject
    ConfigurationAdmin configurationAdmin;

    /**
     * Poison and quarantine off: the holes made below must be free blocks at once, for the faulty
     * strategy to answer with.
     */
    @Before
    public void setUp() throws Exception {
        bytes = new KernelBytes(vm, machine);
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("poison", "false");
        configurationAdmin.getConfiguration("org.clkernel.heap", "?").update(properties);
        Eventually.awaitTrue("the heap's quarantine is off", () -> !heap.checks().poison());
    }

    @Test
    public void aStrategyWhoseFindThrowsIsContained() throws Exception {
        containedAndNotTakenAgain(FaultyStrategy.THROWS, "faulty refuses find call " + (GOOD_FINDS + 1));
    }

    @Test
    public void aStrategyThatAnswersAUsedBlockIsContained() throws Exception {
        containedAndNotTakenAgain(FaultyStrategy.USED_BLOCK, "which is a used block");
    }

    @Test
    public void aStrategyThatAnswersABlockTooSmallIsContained() throws Exception {
        containedAndNotTakenAgain(FaultyStrategy.TOO_SMALL, "which is too small");
    }

    @Test
    public void aStrategyThatAnswersAnAddressOutsideTheHeapIsContained() throws Exception {
        containedAndNotTakenAgain(FaultyStrategy.OUTSIDE, String.format("it answered 0x%x", FaultyStrategy.OUTSIDE_ADDRESS));
    }

    private void containedAndNotTakenAgain(String mode, String symptom) throws Exception {
        Eventually.awaitTrue("tlsf, the best ranked, in use", () -> heap.strategy().equals("tlsf"));
        long baseline = heap.stats().blocks();
        makeHoles();

        Bundle faulty = context.installBundle(System.getProperty(LOCATION + mode));
        faulty.start();
        Eventually.awaitTrue("the heap takes the faulty strategy, ranked highest",
                () -> heap.strategy().equals(FaultyStrategy.NAME));
        allocateThroughTheFault("the first fault");
        assertContained(symptom);
        verifyHeld();

        // not taken again: neither when strategies come and go, nor for the best ranked
        Bundle bestFit = RuntimeBundles.installed(context, "org.clkernel.heap.bestfit");
        bestFit.stop();
        assertNotEquals(FaultyStrategy.NAME, heap.strategy());
        bestFit.start();
        assertEquals("the best ranked that did not fail", "tlsf", heap.strategy());
        heap.useStrategy("");
        assertEquals("the best ranked that did not fail", "tlsf", heap.strategy());
        for (int i = 0; i < 10; i++) {
            allocate(64 + 8 * i);
        }
        assertEquals("tlsf", heap.strategy());
        assertEquals(Bundle.ACTIVE, faulty.getState());

        // chosen by name, it serves again, and fails again the same way
        heap.useStrategy(FaultyStrategy.NAME);
        assertEquals(FaultyStrategy.NAME, heap.strategy());
        allocateThroughTheFault("the fault after it was chosen again");
        assertContained(symptom);
        verifyHeld();

        freeHeld();
        assertEquals(baseline, heap.stats().blocks());
        CheckResult check = heap.check();
        assertTrue(check.toString(), check.isOk());
    }

    /**
     * Free blocks of two kinds between held ones: 32-byte blocks that no request below fits (for
     * the strategy that answers too small) and blocks of 216 bytes or more that every request
     * below fits (so that a good answer is a hole, not a growth of the heap).
     */
    private void makeHoles() {
        List<Held> toFree = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            int size = switch (i % 4) {
            case 0 -> 8;
            case 2 -> 200 + (i % 7) * 40;
            default -> 24 + (i % 5) * 8;
            };
            Held h = allocate(size);
            if (i % 2 == 0) {
                held.remove(held.size() - 1);
                toFree.add(h);
            }
        }
        for (Held h : toFree) {
            assertIntact(h);
            heap.kfree(h.address());
        }
        CheckResult check = heap.check();
        assertTrue(check.toString(), check.isOk());
    }

    /**
     * {@value #GOOD_FINDS} allocations that the faulty strategy serves, then ten more: the first of
     * those meets the fault. Every one must succeed.
     */
    private void allocateThroughTheFault(String when) {
        for (int k = 0; k < GOOD_FINDS + 10; k++) {
            if (k == GOOD_FINDS) {
                assertEquals("the faulty strategy serves until " + when, FaultyStrategy.NAME, heap.strategy());
            }
            allocate(100 + (k * 37) % 100);
        }
    }

    /**
     * First fit took over inside the failing call; right after, the next best-ranked (tlsf) takes
     * over from it by a swap of its own, whose reason carries the failure.
     */
    private void assertContained(String symptom) throws InterruptedException {
        assertNotEquals("the faulty strategy is out", FaultyStrategy.NAME, heap.strategy());
        // the swap is recorded right after tlsf serves: wait for the record too
        Eventually.awaitTrue("tlsf takes over from first fit",
                () -> heap.strategy().equals("tlsf") && "tlsf".equals(heap.lastSwap().to()));
        StrategySwap swap = heap.lastSwap();
        assertEquals("the last swap is from first fit, which stood in: " + swap, KernelHeap.BUILTIN_STRATEGY, swap.from());
        assertEquals("the last swap is to the strategy serving: " + swap, heap.strategy(), swap.to());
        assertTrue("the reason names the faulty strategy and its failure: " + swap,
                swap.reason().contains(FaultyStrategy.NAME) && swap.reason().contains("failed"));
        assertTrue("the reason says what went wrong (" + symptom + "): " + swap, swap.reason().contains(symptom));
    }

    private Held allocate(int size) {
        long address = heap.kmalloc(size, 0);
        assertNotEquals("kmalloc(" + size + ") with " + heap.strategy() + " serving", 0, address);
        Held h = new Held(nextId++, address, size);
        bytes.fill(address, size, h.id());
        held.add(h);
        return h;
    }

    private void assertIntact(Held h) {
        int bad = bytes.mismatch(h.address(), h.size(), h.id());
        if (bad >= 0) {
            fail(String.format("block 0x%x of %d bytes differs from its pattern at offset %d", h.address(), h.size(), bad));
        }
    }

    private void verifyHeld() {
        held.forEach(this::assertIntact);
        CheckResult check = heap.check();
        assertTrue(check.toString(), check.isOk());
    }

    private void freeHeld() {
        for (Held h : held) {
            assertIntact(h);
            heap.kfree(h.address());
        }
        held.clear();
    }
}
