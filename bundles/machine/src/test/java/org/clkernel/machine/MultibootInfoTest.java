package org.clkernel.machine;

import static org.clkernel.api.x86.Multiboot.FLAG_BOOT_LOADER_NAME;
import static org.clkernel.api.x86.Multiboot.FLAG_CMDLINE;
import static org.clkernel.api.x86.Multiboot.FLAG_MEM;
import static org.clkernel.api.x86.Multiboot.FLAG_MMAP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.clkernel.api.CheckResult;
import org.clkernel.api.machine.MemoryRegion;
import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.machine.RegionType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Multiboot information the firmware leaves in RAM, read back the way a kernel reads it
 * (Multiboot 0.6.96 §3.3), with offsets written out here rather than taken from the machine.
 */
class MultibootInfoTest {

    /** What a kernel reads out of the structure. */
    record Parsed(int flags, long memLowerKiB, long memUpperKiB, String cmdline, String loader,
            List<MemoryRegion> mmap) {
    }

    static Parsed parse(PhysicalMemory ram, long info) {
        int flags = ram.read32(info);
        List<MemoryRegion> mmap = new ArrayList<>();
        if ((flags & (1 << 6)) != 0) {
            long length = ram.read32(info + 44) & 0xFFFFFFFFL;
            long at = ram.read32(info + 48) & 0xFFFFFFFFL;
            long end = at + length;
            while (at < end) {
                long size = ram.read32(at) & 0xFFFFFFFFL; // bytes after this field
                long base = ram.read64(at + 4);
                long len = ram.read64(at + 12);
                int type = ram.read32(at + 20);
                mmap.add(new MemoryRegion(base, len, RegionType.of(type)));
                at += size + 4;
            }
        }
        return new Parsed(flags, ram.read32(info + 4) & 0xFFFFFFFFL, ram.read32(info + 8) & 0xFFFFFFFFL,
                (flags & (1 << 2)) != 0 ? string(ram, ram.read32(info + 16)) : null,
                (flags & (1 << 9)) != 0 ? string(ram, ram.read32(info + 64)) : null, mmap);
    }

    static String string(PhysicalMemory ram, int address) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (long at = address & 0xFFFFFFFFL; ram.read8(at) != 0; at++) {
            bytes.write(ram.read8(at));
        }
        return bytes.toString(StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 16, 128, 3072})
    void mmapParsedFromRamEqualsFirmwareMap(int ramMiB) {
        EmulatedMachine machine = new EmulatedMachine(ramMiB);
        Parsed parsed = parse(machine.physical(), machine.multibootInfo());
        assertEquals(machine.memoryMap(), parsed.mmap());
    }

    @Test
    void flagsAnnounceMemoryMmapCommandLineAndLoaderName() {
        EmulatedMachine machine = new EmulatedMachine(16);
        int flags = parse(machine.physical(), machine.multibootInfo()).flags();
        assertEquals(FLAG_MEM | FLAG_MMAP | FLAG_CMDLINE | FLAG_BOOT_LOADER_NAME, flags);
    }

    @Test
    void memLowerAndUpperMatchTheUsableRegions() {
        EmulatedMachine machine = new EmulatedMachine(128);
        Parsed parsed = parse(machine.physical(), machine.multibootInfo());
        assertEquals(639, parsed.memLowerKiB()); // 0 to the EBDA at 0x9FC00
        MemoryRegion extended = machine.memoryMap().stream().filter(r -> r.base() == 0x100000L).findFirst()
                .orElseThrow();
        assertEquals(RegionType.USABLE, extended.type());
        assertEquals(extended.length() / 1024, parsed.memUpperKiB());
    }

    @Test
    void stringsAreNulTerminatedAscii() {
        EmulatedMachine machine = new EmulatedMachine(16);
        Parsed parsed = parse(machine.physical(), machine.multibootInfo());
        assertEquals("clkernel", parsed.cmdline());
        assertFalse(parsed.loader().isEmpty());
    }

    @Test
    void mapCoversThePcLayout() {
        List<MemoryRegion> map = new EmulatedMachine(16).memoryMap();
        assertEquals(new MemoryRegion(0, 0x9FC00, RegionType.USABLE), map.get(0));
        assertTrue(map.stream().anyMatch(r -> r.contains(0xB8000L) && r.type() == RegionType.RESERVED));
        assertTrue(map.stream().anyMatch(r -> r.base() == 0xFEC00000L));
        assertTrue(map.stream().anyMatch(r -> r.base() == 0xFEE00000L));
        for (int i = 1; i < map.size(); i++) {
            assertTrue(map.get(i - 1).end() <= map.get(i).base(), "sorted and disjoint at " + i);
        }
    }

    @Test
    void machineCheckFindsACorruptedMmapEntry() {
        EmulatedMachine machine = new EmulatedMachine(16);
        assertTrue(machine.check().stream().allMatch(CheckResult::isOk));
        PhysicalMemory ram = machine.physical();
        long mmap = ram.read32(machine.multibootInfo() + 48) & 0xFFFFFFFFL;
        ram.write32(mmap + 2 * 24 + 20, 1); // entry 2 (the VGA window) claims to be usable
        CheckResult result = machine.check().stream().filter(r -> !r.isOk()).findFirst().orElseThrow();
        assertEquals("multiboot info", result.structure());
        assertEquals(2, result.elementsChecked());
        assertTrue(result.firstProblem().startsWith("mmap entry 2"), result.firstProblem());
    }
}
