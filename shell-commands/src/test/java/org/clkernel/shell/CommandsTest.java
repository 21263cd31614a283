package org.clkernel.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;


import org.clkernel.api.machine.CpuContext;
import org.clkernel.machine.EmulatedMachine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The commands on a real machine, outside OSGi: what a user sees for good and for bad input. */
class CommandsTest {
    private final EmulatedMachine machine = new EmulatedMachine(64);
    private final MemCommands mem = new MemCommands();
    private final CpuCommands cpu = new CpuCommands();
    private final MmuCommands mmu = new MmuCommands();
    @RegisterExtension
    final ErrorStream err = new ErrorStream();

    @BeforeEach
    void wire() {
        mem.machine = machine;
        cpu.machine = machine;
        mmu.machine = machine;
    }

    private String errors() {
        return err.text();
    }

    @Test
    void mapListsTheFirmwareRegionsAlignedWithSizes() {
        String map = (String) mem.map("false");
        assertTrue(map.startsWith("BASE        LAST            SIZE  TYPE\n"), map);
        assertTrue(map.contains("0x00100000  0x03feffff  62.9 MiB  usable\n"), map);
        assertTrue(map.contains("0x03ff0000  0x03ffffff    64 KiB  ACPI data\n"), map);
    }

    @Test
    void mapAsJsonHasOneObjectPerRegion() {
        String json = (String) mem.map("true");
        assertTrue(json.startsWith("[{\"base\":0,\"length\":654336,\"type\":\"usable\",\"code\":1}"), json);
        assertEquals(machine.memoryMap().size(), json.split("\\{").length - 1);
    }

    @Test
    void pokeThenXpShowsTheBytesLittleEndian() {
        assertEquals("0x00200000 <- 0x11223344 (4 bytes)", mem.poke("4", "0x200000", "0x11223344"));
        String dump = (String) mem.xp("0x200000", "16");
        assertEquals("00200000  44 33 22 11 00 00 00 00  00 00 00 00 00 00 00 00  |D3\".............|\n", dump);
    }

    @Test
    void pokeRefusesAValueTooWideForTheSizeAndWritesNothing() {
        assertNull(mem.poke("1", "0x200000", "0x1ff"));
        assertEquals("mem:poke: value '0x1ff' is outside -128..0xff\n", errors());
        assertEquals(0, machine.physical().read32(0x200000));
    }

    @Test
    void pokeIntoAHoleSaysTheWriteIsLost() {
        String out = (String) mem.poke("4", "0xf0000000", "1");
        assertTrue(out.endsWith("(nothing decodes this address: the write is lost)"), out);
    }

    @Test
    void xpPastTheEndOfTheAddressSpaceIsRefused() {
        assertNull(mem.xp("0xfffffff0", "32"));
        assertEquals("mem:xp: the dump would run past 0xffffffff\n", errors());
    }

    @Test
    void vgaShowsTheFirmwareBannerInABox() {
        String screen = (String) mem.vga();
        String[] lines = screen.split("\n");
        assertEquals(27, lines.length);
        assertTrue(lines[1].startsWith("|CLKernel/J  emulated x86 (32-bit)  64 MiB RAM"), lines[1]);
        assertEquals(82, lines[1].length());
    }

    @Test
    void checkReportsEveryStructureOk() {
        String out = (String) mem.check();
        assertTrue(out.contains("anchor table: ok"), out);
        assertTrue(out.contains("multiboot info: ok (9 checked)"), out);
    }

    @Test
    void checkNamesABrokenAnchorTableOnTheErrorStream() {
        machine.physical().write32(0x1000, 0);
        assertNull(mem.check());
        assertTrue(errors().contains("anchor table: BROKEN: header at 0x1000: bad magic 0x00000000"), errors());
    }

    @Test
    void setCr4WithPaeIsRefusedAndChangesNothing() {
        assertNull(cpu.set("cr4", "0x30"));
        assertTrue(errors().startsWith("cpu:set: #GP: CR4 bits 0x20"), errors());
        assertEquals(0, machine.context(CpuCommands.SHELL_CONTEXT).cr4());
    }

    @Test
    void setCr0ReportsIgnoredReservedBits() {
        String out = (String) cpu.set("cr0", "0x00000101");
        assertEquals("CR0 = 0x00000011  PE ET  (reserved bits 0x100 ignored)", out);
    }

    @Test
    void accessPrintsTheTranslationOrThePageFault() {
        mapOnePage();
        assertEquals("0x00001234 -> 0x00300234", mmu.access("current", "0x1234", "r"));
        assertEquals("#PF err=0x2 CR2=0x00005000  (not-present write supervisor)", mmu.access("current", "0x5000", "w"));
        assertEquals("#PF err=0x7 CR2=0x00001234  (protection write user)", mmu.access("3", "0x1234", "w"));
        assertEquals(0, machine.context(CpuCommands.SHELL_CONTEXT).cpl(), "--cpl applies to that access only");
    }

    @Test
    void walkDecodesDirectoryAndTableEntries() {
        mapOnePage();
        String walk = (String) mmu.walk("0x1234");
        assertTrue(walk.contains("PDE  [0x00200000] = 0x00201007  P RW US  -> page table 0x00201000"), walk);
        assertTrue(walk.contains("PTE  [0x00201004] = 0x00300005  P US  -> frame 0x00300000"), walk);
        assertTrue(walk.contains("=>   0x00300234 (4 KiB page, user, read-only)"), walk);
    }

    @Test
    void tlbListsACachedTranslationUntilInvlpg() {
        mapOnePage();
        mmu.access("current", "0x1234", "r");
        String tlb = (String) mmu.tlb("false");
        assertTrue(tlb.contains("0x00001000  0x00300000  4K    UR      -  -"), tlb);
        assertEquals("invlpg 0x00001fff: 1 TLB entry dropped", mmu.invlpg("0x1fff"));
        assertEquals("TLB empty (64 entries)\n", mmu.tlb("false"));
    }

    @Test
    void unknownAccessKindIsRefused() {
        assertNull(mmu.access("current", "0x1000", "q"));
        assertEquals("mmu:access: access 'q' must be one of r, w, x\n", errors());
    }

    /** PD at 2 MiB, one page table, linear 0x1000 -> physical 0x300000, user, read-only. */
    private void mapOnePage() {
        mem.poke("4", "0x200000", "0x201007");
        mem.poke("4", "0x201004", "0x300005");
        CpuContext shell = machine.context(CpuCommands.SHELL_CONTEXT);
        shell.setCr3(0x200000);
        shell.setCr0(0x80000011);
    }
}
