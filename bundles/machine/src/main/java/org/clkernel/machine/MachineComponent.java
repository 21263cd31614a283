package org.clkernel.machine;

import java.util.Dictionary;
import java.util.Hashtable;

import org.clkernel.api.machine.Machine;
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
 * keeps the RAM size keeps the machine (a new TLB size applies to contexts created afterwards). A
 * new RAM size is a reset: the old service goes away, a blank machine is registered in its place,
 * and a line on the console says so. A bad value is refused with one line and changes nothing.
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
        String problem = validate(ram, tlb);
        if (problem != null) {
            System.err.println("machine: " + problem + "; booting with " + EmulatedMachine.DEFAULT_RAM_MIB
                    + " MiB and " + EmulatedMachine.DEFAULT_TLB_ENTRIES + " TLB entries");
            ram = EmulatedMachine.DEFAULT_RAM_MIB;
            tlb = EmulatedMachine.DEFAULT_TLB_ENTRIES;
        }
        powerOn(ram, tlb);
    }

    @Modified
    synchronized void modified(MachineConfig config) {
        String problem = validate(config.ram_mib(), config.tlb_entries());
        if (problem != null) {
            System.err.println("machine: configuration refused, machine unchanged: " + problem);
            return;
        }
        if (((long) config.ram_mib() << 20) == machine.physical().ramSize()) {
            machine.setTlbEntries(config.tlb_entries());
            return;
        }
        registration.unregister();
        System.out.println("machine: reset: RAM " + (machine.physical().ramSize() >> 20) + " MiB -> "
                + config.ram_mib() + " MiB; all RAM contents are gone");
        powerOn(config.ram_mib(), config.tlb_entries());
    }

    @Deactivate
    synchronized void deactivate() {
        registration.unregister();
        machine = null;
        System.out.println("machine: powered off; its next start is a reset with blank RAM");
    }

    private void powerOn(int ramMiB, int tlbEntries) {
        machine = new EmulatedMachine(ramMiB, tlbEntries);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("ram.mib", ramMiB);
        props.put("boot.id", machine.bootId());
        registration = bundleContext.registerService(Machine.class, machine, props);
    }

    static String validate(int ramMiB, int tlbEntries) {
        if (ramMiB < 4 || ramMiB > 3072) {
            return "ram.mib=" + ramMiB + " is outside 4..3072";
        }
        if (tlbEntries < 1 || tlbEntries > 4096 || Integer.bitCount(tlbEntries) != 1) {
            return "tlb.entries=" + tlbEntries + " is not a power of two from 1 to 4096";
        }
        return null;
    }
}
