package org.clkernel.machine;

import java.util.Dictionary;
import java.util.Hashtable;

import org.clkernel.api.machine.Machine;
import org.clkernel.api.machine.SwapDevice;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Powers the machine on and registers it as the {@link Machine} service.
 *
 * <p>The machine is the hardware: it lives as long as this component. A configuration change that
 * keeps the RAM and swap sizes keeps the machine (a new TLB size applies to contexts created
 * afterwards). A new RAM or swap size is a reset: the old service goes away, a blank machine is
 * registered in its place, and a line on the console says so. A bad value is refused with one line
 * and changes nothing.
 */
@Component(configurationPid = Machine.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = MachineConfig.class)
public final class MachineComponent {

    private final BundleContext bundleContext;
    private EmulatedMachine machine;
    private ServiceRegistration<Machine> registration;

    @Activate
    public MachineComponent(BundleContext bundleContext, MachineConfig config) {
        this.bundleContext = bundleContext;
        int ram = config.ram_mib();
        int tlb = config.tlb_entries();
        int swap = config.swap_mib();
        String problem = validate(ram, tlb, swap);
        if (problem != null) {
            System.err.println("machine: " + problem + "; booting with " + EmulatedMachine.DEFAULT_RAM_MIB
                    + " MiB, " + EmulatedMachine.DEFAULT_TLB_ENTRIES + " TLB entries and "
                    + EmulatedMachine.DEFAULT_SWAP_MIB + " MiB of swap");
            ram = EmulatedMachine.DEFAULT_RAM_MIB;
            tlb = EmulatedMachine.DEFAULT_TLB_ENTRIES;
            swap = EmulatedMachine.DEFAULT_SWAP_MIB;
        }
        powerOn(ram, tlb, swap);
    }

    @Modified
    synchronized void modified(MachineConfig config) {
        String problem = validate(config.ram_mib(), config.tlb_entries(), config.swap_mib());
        if (problem != null) {
            System.err.println("machine: configuration refused, machine unchanged: " + problem);
            return;
        }
        long oldRam = machine.physical().ramSize() >> 20;
        long oldSwap = (long) machine.swap().slots() * SwapDevice.SLOT_SIZE >> 20;
        if (config.ram_mib() == oldRam && config.swap_mib() == oldSwap) {
            machine.setTlbEntries(config.tlb_entries());
            return;
        }
        registration.unregister();
        System.out.println("machine: reset: RAM " + oldRam + " MiB -> " + config.ram_mib() + " MiB, swap " + oldSwap
                + " MiB -> " + config.swap_mib() + " MiB; all RAM and swap contents are gone");
        powerOn(config.ram_mib(), config.tlb_entries(), config.swap_mib());
    }

    @Deactivate
    synchronized void deactivate() {
        registration.unregister();
        machine = null;
        System.out.println("machine: powered off; its next start is a reset with blank RAM");
    }

    private void powerOn(int ramMiB, int tlbEntries, int swapMiB) {
        machine = new EmulatedMachine(ramMiB, tlbEntries, swapMiB);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("ram.mib", ramMiB);
        props.put("swap.mib", swapMiB);
        props.put("boot.id", machine.bootId());
        registration = bundleContext.registerService(Machine.class, machine, props);
    }

    static String validate(int ramMiB, int tlbEntries, int swapMiB) {
        if (ramMiB < 4 || ramMiB > 3072) {
            return "ram.mib=" + ramMiB + " is outside 4..3072";
        }
        if (swapMiB < 0 || swapMiB > SwapDisk.MAX_MIB) {
            return "swap.mib=" + swapMiB + " is outside 0.." + SwapDisk.MAX_MIB;
        }
        if (tlbEntries < 1 || tlbEntries > 4096 || Integer.bitCount(tlbEntries) != 1) {
            return "tlb.entries=" + tlbEntries + " is not a power of two from 1 to 4096";
        }
        return null;
    }
}
