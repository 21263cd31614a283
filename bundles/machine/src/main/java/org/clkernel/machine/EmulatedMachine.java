package org.clkernel.machine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.clkernel.api.CheckResult;
import org.clkernel.api.machine.AnchorTable;
import org.clkernel.api.machine.CpuContext;
import org.clkernel.api.machine.Machine;
import org.clkernel.api.machine.MemoryRegion;
import org.clkernel.api.machine.MmioDevice;
import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.machine.SwapDevice;
import org.clkernel.api.machine.VgaText;

/**
 * One emulated PC, from power-on: the constructor is the firmware. It builds the bus with RAM and
 * the VGA device, writes the Multiboot information and an empty anchor table into low RAM and
 * prints a banner on the text screen.
 */
public final class EmulatedMachine implements Machine {
    public static final int DEFAULT_RAM_MIB = 128;
    public static final int DEFAULT_TLB_ENTRIES = 64;
    public static final int DEFAULT_SWAP_MIB = 64;

    private final PhysicalBus bus;
    private final List<MemoryRegion> memoryMap;
    private final VgaTextDevice vga = new VgaTextDevice();
    private final RamAnchorTable anchors;
    private final SwapDisk swap;
    private final Map<String, Cpu> contexts = new LinkedHashMap<>();
    private final long bootId = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
    private volatile int tlbEntries;

    public EmulatedMachine(int ramMiB, int tlbEntries) {
        this(ramMiB, tlbEntries, DEFAULT_SWAP_MIB);
    }

    /** A machine with a swap disk of {@code swapMiB} (0 to 4096; 0: none). */
    public EmulatedMachine(int ramMiB, int tlbEntries, int swapMiB) {
        long ramSize = (long) ramMiB << 20;
        this.memoryMap = PcMemoryMap.forRam(ramSize);
        new Tlb(tlbEntries); // validates the capacity before anything is built
        this.tlbEntries = tlbEntries;
        this.bus = new PhysicalBus(new Ram(ramSize));
        bus.attach(vga);
        this.swap = new SwapDisk(bus, swapMiB);
        MultibootInfo.write(bus, memoryMap);
        anchors = new RamAnchorTable(bus);
        anchors.format();
        vga.print(0, 0, String.format("CLKernel/J  emulated x86 (32-bit)  %d MiB RAM", ramMiB), 0x1F);
        vga.print(1, 0, String.format("Multiboot information at 0x%05x, %d memory-map entries",
                MultibootInfo.INFO, memoryMap.size()), 0x07);
    }

    public EmulatedMachine(int ramMiB) {
        this(ramMiB, DEFAULT_TLB_ENTRIES);
    }

    @Override
    public PhysicalMemory physical() {
        return bus;
    }

    @Override
    public List<MemoryRegion> memoryMap() {
        return memoryMap;
    }

    @Override
    public long multibootInfo() {
        return MultibootInfo.INFO;
    }

    @Override
    public AnchorTable anchors() {
        return anchors;
    }

    @Override
    public VgaText vga() {
        return vga;
    }

    @Override
    public SwapDevice swap() {
        return swap;
    }

    @Override
    public List<MmioDevice> devices() {
        return bus.devices();
    }

    @Override
    public synchronized CpuContext context(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a context needs a name");
        }
        return contexts.computeIfAbsent(name, n -> new Cpu(n, bus, tlbEntries));
    }

    @Override
    public synchronized List<CpuContext> contexts() {
        return new ArrayList<>(contexts.values());
    }

    @Override
    public synchronized boolean removeContext(String name) {
        return contexts.remove(name) != null;
    }

    @Override
    public long bootId() {
        return bootId;
    }

    /** TLB size of contexts created from now on. */
    void setTlbEntries(int entries) {
        new Tlb(entries);
        tlbEntries = entries;
    }

    int tlbEntries() {
        return tlbEntries;
    }

    @Override
    public List<CheckResult> check() {
        return List.of(anchors.check(), MultibootInfo.check(bus, memoryMap));
    }

    @Override
    public String toString() {
        return String.format("machine %016x: %d MiB RAM, %d MiB swap", bootId, bus.ramSize() >> 20,
                (long) swap.slots() * SwapDevice.SLOT_SIZE >> 20);
    }
}
