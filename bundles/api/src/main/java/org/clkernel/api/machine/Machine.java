package org.clkernel.api.machine;

import java.util.List;

import org.clkernel.api.CheckResult;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The emulated PC: RAM and MMIO behind one physical bus, the firmware memory map, the Multiboot
 * information left in RAM at boot, CPU contexts and the anchor table.
 *
 * <p>A new registration of this service (a new {@link #bootId()}) means the machine was reset:
 * RAM is blank but for what the firmware wrote at boot.
 */
@ProviderType
public interface Machine {

    /** Configuration PID of the machine. */
    String PID = "org.clkernel.machine";

    PhysicalMemory physical();

    /** The firmware's memory map (E820), sorted by base address. */
    List<MemoryRegion> memoryMap();

    /** Physical address of the Multiboot information structure (EBX at hand-off). */
    long multibootInfo();

    AnchorTable anchors();

    VgaText vga();

    /**
     * The swap disk, sized by the configuration property {@code swap.mib}; a new size is a reset.
     *
     * @since 1.2
     */
    SwapDevice swap();

    List<MmioDevice> devices();

    /** The context of this name, created on first use with the reset state of a Multiboot hand-off. */
    CpuContext context(String name);

    List<CpuContext> contexts();

    /** Removes a context; its TLB goes with it. @return whether it existed */
    boolean removeContext(String name);

    /** Distinguishes boots: a new value after every reset. */
    long bootId();

    /** Integrity checks of the machine's own structures in RAM. */
    List<CheckResult> check();
}
