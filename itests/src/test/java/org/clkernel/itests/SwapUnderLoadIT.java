package org.clkernel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.FileInputStream;
import java.io.InputStream;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.inject.Inject;

import org.clkernel.api.CheckResult;
import org.clkernel.api.actor.ActorRegistry;
import org.clkernel.api.machine.CpuContext;
import org.clkernel.api.machine.Machine;
import org.clkernel.api.paging.PagingCounters;
import org.clkernel.api.paging.Prot;
import org.clkernel.api.paging.VirtualMemory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Live swaps of the replacement policy while a thread keeps an address space paging: the thread
 * writes and reads back 64 pages through its own CPU context with room for 16, so nearly every
 * touch evicts a page to swap or brings one back; meanwhile the policy changes a hundred times
 * and a policy bundle is updated under it. Nothing may be lost.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class SwapUnderLoadIT {
    private static final long BASE = 0x10000000L;
    private static final int PAGES = 64;
    private static final int LIMIT = 16;
    private static final List<String> POLICIES = List.of("arc", "lirs", "2q", "lru", "clock", "fifo", VirtualMemory.BUILTIN_POLICY);

    @Inject
    BundleContext context;

    @Inject
    VirtualMemory vm;

    @Inject
    ActorRegistry actors;

    @Inject
    Machine machine;

    @Inject
    ConfigurationAdmin configurationAdmin;

    @org.ops4j.pax.exam.Configuration
    public Option[] configuration() {
        return RuntimeBundles.withReplacement();
    }

    @Test
    public void policySwapsAndABundleUpdateUnderPagingLoseNothing() throws Exception {
        Eventually.awaitTrue("the paging system uses an installed policy", () -> vm.policy().equals("arc"));
        int actor = actors.create("load", 0, 0).id();
        vm.createSpace(actor);
        vm.setResidentLimit(actor, LIMIT);
        vm.reserve(actor, BASE, (long) PAGES * 4096, Prot.WRITE | Prot.USER);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong touches = new AtomicLong();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        Thread load = new Thread(() -> run(actor, stop, touches, problems), "paging-load");
        load.start();

        for (int i = 0; i < 100; i++) {
            vm.usePolicy(POLICIES.get(i % POLICIES.size()));
            long seen = touches.get();
            Eventually.awaitTrue("the load makes progress", () -> touches.get() > seen + 20 || !load.isAlive());
        }
        vm.usePolicy("clock");
        Bundle clock = RuntimeBundles.installed(context, "org.clkernel.replacement.clock");
        try (InputStream jar = new FileInputStream(RuntimeBundles.jar("org.clkernel.replacement.clock"))) {
            clock.update(jar);
        }
        Eventually.awaitTrue("clock back in use after its update", () -> vm.policy().equals("clock"));
        long seen = touches.get();
        Eventually.awaitTrue("the load goes on after the update", () -> touches.get() > seen + 200 || !load.isAlive());
        stop.set(true);
        load.join(10_000);

        assertTrue("load problems: " + problems, problems.isEmpty());
        assertTrue("the load touched pages: " + touches.get(), touches.get() > 2000);
        assertTrue("resident pages within the limit", vm.residentPages(actor) <= LIMIT);
        PagingCounters c = vm.counters(actor);
        assertEquals("every major fault read its page from swap", c.majorFaults(), c.swapIns());
        assertTrue("pages went out and came back: " + c, c.swapOuts() > 100 && c.swapIns() > 100);
        assertEquals("first touches", PAGES, c.minorFaults());
        CheckResult check = vm.check();
        assertTrue(check.toString(), check.isOk());
    }

    @Test
    public void theConfiguredPolicyTakesOverLiveAndDeletingTheConfigurationGoesBackToTheBestRanked() throws Exception {
        Eventually.awaitTrue("the best-ranked policy in use", () -> vm.policy().equals("arc"));
        Configuration config = configurationAdmin.getConfiguration(VirtualMemory.PID, "?");
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("policy", "lirs");
        config.update(properties);
        Eventually.awaitTrue("lirs configured", () -> vm.policy().equals("lirs"));
        config.delete();
        Eventually.awaitTrue("back to the best ranked", () -> vm.policy().equals("arc"));
    }

    /** Writes a page's own counter into it and reads every page back; any surprise is a problem. */
    private void run(int actor, AtomicBoolean stop, AtomicLong touches, ConcurrentLinkedQueue<String> problems) {
        try {
            CpuContext cpu = machine.context("paging-load");
            vm.activate(cpu, actor);
            cpu.setCpl(3);
            long[] expected = new long[PAGES];
            Random random = new Random(42);
            for (int page = 0; page < PAGES; page++) {
                expected[page] = page * 1_000_000L;
                cpu.write64(BASE + page * 4096L + 8 * (page % 512), expected[page]);
            }
            while (!stop.get()) {
                int page = random.nextInt(PAGES);
                long va = BASE + page * 4096L + 8 * (page % 512);
                if (random.nextBoolean()) {
                    cpu.write64(va, ++expected[page]);
                } else if (cpu.read64(va) != expected[page]) {
                    problems.add("page " + page + " lost its value " + expected[page]);
                }
                touches.incrementAndGet();
            }
            for (int page = 0; page < PAGES; page++) {
                long value = cpu.read64(BASE + page * 4096L + 8 * (page % 512));
                if (value != expected[page]) {
                    problems.add("at the end page " + page + " holds " + value + ", not " + expected[page]);
                }
            }
        } catch (Throwable t) {
            problems.add(t.toString());
        }
    }

}
