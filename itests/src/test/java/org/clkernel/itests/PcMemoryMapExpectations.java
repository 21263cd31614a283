package org.clkernel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.clkernel.api.machine.Machine;
import org.clkernel.api.machine.MemoryRegion;
import org.clkernel.api.machine.RegionType;

/** What a PC with a given amount of RAM must report: the facts a kernel relies on, not the whole table. */
final class PcMemoryMapExpectations {
    static final long ONE_MIB = 1L << 20;
    /** The firmware keeps its ACPI tables in the top 64 KiB of RAM. */
    static final long ACPI_SIZE = 64L << 10;

    private PcMemoryMapExpectations() {
    }

    /**
     * RAM is {@code ramMiB}; extended memory is usable from 1 MiB up to the ACPI tables at the top of
     * RAM, which are the last 64 KiB; Multiboot mem_lower and mem_upper count the usable regions at 0
     * and at 1 MiB.
     */
    static void assertDescribesRam(Machine machine, int ramMiB) {
        long ram = ramMiB * ONE_MIB;
        assertEquals("installed RAM", ram, machine.physical().ramSize());

        List<MemoryRegion> map = machine.memoryMap();
        MemoryRegion extended = regionAt(map, ONE_MIB);
        assertEquals(RegionType.USABLE, extended.type());
        assertEquals("extended memory ends where the ACPI tables start", ram - ACPI_SIZE, extended.end());

        MemoryRegion acpi = regionAt(map, ram - ACPI_SIZE);
        assertEquals(RegionType.ACPI_RECLAIMABLE, acpi.type());
        assertEquals("the ACPI tables end at the top of RAM", ram, acpi.end());

        MemoryRegion conventional = regionAt(map, 0);
        assertEquals(RegionType.USABLE, conventional.type());
        assertEquals("mem_lower (KiB from 0)", conventional.length() / 1024,
                MultibootMemoryMap.memLowerKiB(machine.physical(), machine.multibootInfo()));
        assertEquals("mem_upper (KiB from 1 MiB)", extended.length() / 1024,
                MultibootMemoryMap.memUpperKiB(machine.physical(), machine.multibootInfo()));

        for (MemoryRegion r : map) {
            if (r.type() == RegionType.USABLE) {
                assertTrue("usable region " + r + " lies inside RAM", r.end() <= ram);
            }
        }
    }

    static MemoryRegion regionAt(List<MemoryRegion> map, long base) {
        return map.stream().filter(r -> r.base() == base).findFirst()
                .orElseThrow(() -> new AssertionError(String.format("no region starts at 0x%x in %s", base, map)));
    }
}
