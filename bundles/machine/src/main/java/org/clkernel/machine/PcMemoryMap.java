package org.clkernel.machine;

import java.util.ArrayList;
import java.util.List;

import org.clkernel.api.machine.MemoryRegion;
import org.clkernel.api.machine.RegionType;

/**
 * The E820 map a PC's firmware reports for a given amount of RAM (DESIGN §2): conventional memory
 * below the EBDA, the VGA window and option/BIOS ROMs in the first megabyte, extended memory from
 * 1 MiB to the top of RAM less the ACPI tables, and the I/O APIC, local APIC and BIOS flash holes
 * just below 4 GiB.
 */
final class PcMemoryMap {
    static final long EBDA = 0x9FC00L;
    static final long VGA = 0xA0000L;
    static final long ROM = 0xC0000L;
    static final long EXTENDED = 0x100000L;
    static final long ACPI_SIZE = 0x10000L;
    static final long IO_APIC = 0xFEC00000L;
    static final long LOCAL_APIC = 0xFEE00000L;
    static final long BIOS_FLASH = 0xFFFC0000L;

    static final long MIN_RAM = 4L << 20;
    static final long MAX_RAM = 3L << 30;

    private PcMemoryMap() {
    }

    static List<MemoryRegion> forRam(long ramSize) {
        if (ramSize < MIN_RAM || ramSize > MAX_RAM || (ramSize & 0xFFFFF) != 0) {
            throw new IllegalArgumentException("RAM must be a whole number of MiB from 4 MiB to 3 GiB");
        }
        List<MemoryRegion> map = new ArrayList<>();
        map.add(new MemoryRegion(0, EBDA, RegionType.USABLE));
        map.add(new MemoryRegion(EBDA, VGA - EBDA, RegionType.RESERVED));
        map.add(new MemoryRegion(VGA, ROM - VGA, RegionType.RESERVED));
        map.add(new MemoryRegion(ROM, EXTENDED - ROM, RegionType.RESERVED));
        long acpi = ramSize - ACPI_SIZE;
        map.add(new MemoryRegion(EXTENDED, acpi - EXTENDED, RegionType.USABLE));
        map.add(new MemoryRegion(acpi, ACPI_SIZE, RegionType.ACPI_RECLAIMABLE));
        map.add(new MemoryRegion(IO_APIC, 0x1000, RegionType.RESERVED));
        map.add(new MemoryRegion(LOCAL_APIC, 0x1000, RegionType.RESERVED));
        map.add(new MemoryRegion(BIOS_FLASH, (1L << 32) - BIOS_FLASH, RegionType.RESERVED));
        return List.copyOf(map);
    }
}
