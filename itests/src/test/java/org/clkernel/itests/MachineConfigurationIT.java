package org.clkernel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.clkernel.api.CheckResult;
import org.clkernel.api.machine.CpuContext;
import org.clkernel.api.machine.Machine;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Configuration Admin drives the machine: a new RAM size is a reset, a bad value changes nothing.
 * Each test boots its own framework, so each starts from the unconfigured 128 MiB machine.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class MachineConfigurationIT {
    static final long TIMEOUT_MS = 10_000;

    @Inject
    BundleContext context;

    @Inject
    ConfigurationAdmin configurationAdmin;

    @Inject
    Machine booted;

    @Inject
    CommandProcessor processor;

    @Configuration
    public Option[] configuration() {
        return RuntimeBundles.options();
    }

    @Test
    public void newRamSizeResetsTheMachineUnderANewBootIdWithAMatchingMemoryMap() throws Exception {
        long oldBootId = booted.bootId();

        configure(256, 64);

        ServiceTracker<Machine, Machine> tracker =
                track("(&(objectClass=" + Machine.class.getName() + ")(ram.mib=256))");
        try {
            Machine machine = tracker.waitForService(TIMEOUT_MS);
            assertNotNull("a Machine service with ram.mib=256 within " + TIMEOUT_MS + " ms", machine);
            assertEquals(256L << 20, machine.physical().ramSize());
            assertNotEquals("a reset gives a new boot id", oldBootId, machine.bootId());
            assertEquals(machine.bootId(), tracker.getServiceReference().getProperty("boot.id"));
            assertEquals("the Multiboot mmap in RAM is the new firmware map",
                    machine.memoryMap(), MultibootMemoryMap.read(machine.physical(), machine.multibootInfo()));
            PcMemoryMapExpectations.assertDescribesRam(machine, 256);
            for (CheckResult r : machine.check()) {
                assertTrue(r.toString(), r.isOk());
            }
            assertEquals("the old machine is gone: one Machine service", 1, machineServices().length);
        } finally {
            tracker.close();
        }
    }

    @Test
    public void shellCommandsRebindToTheNewMachineAfterAReset() throws Exception {
        configure(256, 64);
        try (ShellSession shell = new ShellSession(processor)) {
            // the commands hold a static reference: DS deactivates them with the old machine and
            // activates them again on the new one, a moment after the new service appears
            awaitTrue("mem:info reports 256 MiB of RAM", () -> {
                try {
                    return shell.run("mem:info").out().startsWith("RAM        256 MiB");
                } catch (Exception commandsNotBackYet) {
                    return false;
                }
            });
            String map = shell.run("mem:map").out();
            assertTrue(map, Pattern.compile("0x0fff0000\\s+0x0fffffff\\s+64 KiB\\s+ACPI data").matcher(map).find());
        }
    }

    @Test
    public void ramSizeOutsideFourTo3072MiBIsRefusedAndTheRunningMachineStays() throws Exception {
        long bootId = booted.bootId();
        AtomicInteger unregistered = new AtomicInteger();
        ServiceListener watch = event -> {
            if (event.getType() == ServiceEvent.UNREGISTERING) {
                unregistered.incrementAndGet();
            }
        };
        context.addServiceListener(watch, "(objectClass=" + Machine.class.getName() + ")");
        try {
            configure(5000, 64);
            // Config Admin delivers the updates of one PID in order, so once this later, valid change
            // (same RAM, a new TLB size) has been applied, the refused one has been handled too.
            configure(128, 128);
            awaitTrue("new CPU contexts get 128 TLB entries", () -> {
                CpuContext probe = booted.context("config-probe");
                try {
                    return probe.tlbCapacity() == 128;
                } finally {
                    booted.removeContext("config-probe");
                }
            });
        } finally {
            context.removeServiceListener(watch);
        }

        assertEquals("the Machine service was never unregistered", 0, unregistered.get());
        ServiceReference<?>[] machines = machineServices();
        assertEquals(1, machines.length);
        Machine running = (Machine) context.getService(machines[0]);
        try {
            assertEquals("same boot", bootId, running.bootId());
            assertEquals(128L << 20, running.physical().ramSize());
            assertEquals(128, machines[0].getProperty("ram.mib"));
        } finally {
            context.ungetService(machines[0]);
        }
    }

    private void configure(int ramMiB, int tlbEntries) throws Exception {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("ram.mib", ramMiB);
        properties.put("tlb.entries", tlbEntries);
        configurationAdmin.getConfiguration(Machine.PID, "?").update(properties);
    }

    private ServiceTracker<Machine, Machine> track(String filter) throws Exception {
        Filter f = context.createFilter(filter);
        ServiceTracker<Machine, Machine> tracker = new ServiceTracker<>(context, f, null);
        tracker.open();
        return tracker;
    }

    private ServiceReference<?>[] machineServices() throws Exception {
        ServiceReference<?>[] refs = context.getServiceReferences(Machine.class.getName(), null);
        return refs == null ? new ServiceReference<?>[0] : refs;
    }

    /** Bounded polling for an effect that has no event of its own. */
    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + TIMEOUT_MS + " ms: " + what);
            }
            Thread.sleep(10);
        }
    }
}
