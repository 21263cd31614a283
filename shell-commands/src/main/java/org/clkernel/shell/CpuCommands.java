package org.clkernel.shell;

import java.util.ArrayList;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.clkernel.api.machine.CpuContext;
import org.clkernel.api.machine.Machine;
import org.clkernel.api.machine.MmuCounters;
import org.clkernel.api.x86.Cr0;
import org.clkernel.api.x86.Cr3;
import org.clkernel.api.x86.Cr4;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The control registers of the shell's CPU context. */
@Component(service = CpuCommands.class)
@GogoCommand(scope = "cpu", function = {"regs", "set"})
public class CpuCommands {
    /** The context every shell command runs on. */
    static final String SHELL_CONTEXT = "shell";

    @Reference
    Machine machine;

    @Descriptor("show CR0, CR2, CR3, CR4, CPL and the TLB counters of the shell's CPU context")
    public Object regs() {
        return Commands.run("cpu:regs", () -> {
            CpuContext cpu = machine.context(SHELL_CONTEXT);
            MmuCounters c = cpu.counters();
            StringBuilder s = new StringBuilder();
            s.append(String.format("CR0  %s  %s%n", Args.hex32(cpu.cr0()), cr0Flags(cpu.cr0())));
            s.append(String.format("CR2  %s%n", Args.hex32(cpu.cr2())));
            s.append(String.format("CR3  %s  page directory at %s%n", Args.hex32(cpu.cr3()),
                    Args.hex32(cpu.cr3() & Cr3.PD_BASE)));
            s.append(String.format("CR4  %s  %s%n", Args.hex32(cpu.cr4()), cr4Flags(cpu.cr4())));
            s.append(String.format("CPL  %d (%s)%n", cpu.cpl(), cpu.cpl() == 3 ? "user" : "supervisor"));
            s.append(String.format("TLB  %d of %d entries in use; %d misses, %d page faults, %d flushes, %d invlpg%n",
                    cpu.tlbEntries().size(), cpu.tlbCapacity(), c.tlbMisses(), c.pageFaults(), c.tlbFlushes(),
                    c.invlpgs()));
            return s.toString();
        });
    }

    @Descriptor("load a control register or the CPL of the shell's CPU context")
    public Object set(@Descriptor("cr0, cr2, cr3, cr4 or cpl") String register,
            @Descriptor("the value (0x hex or decimal)") String value) {
        return Commands.run("cpu:set", () -> {
            CpuContext cpu = machine.context(SHELL_CONTEXT);
            String reg = Args.choice("register", register, "cr0", "cr2", "cr3", "cr4", "cpl");
            if (reg.equals("cpl")) {
                cpu.setCpl((int) Args.number("CPL", value, 0, 3));
                return "CPL = " + cpu.cpl() + (cpu.cpl() == 3 ? " (user)" : " (supervisor)");
            }
            int v = (int) Args.address(reg.toUpperCase() + " value", value);
            switch (reg) {
                case "cr0" -> {
                    cpu.setCr0(v);
                    return "CR0 = " + Args.hex32(cpu.cr0()) + "  " + cr0Flags(cpu.cr0()) + dropped(v, cpu.cr0(), Cr0.ET);
                }
                case "cr2" -> {
                    cpu.setCr2(v & 0xFFFFFFFFL);
                    return "CR2 = " + Args.hex32(cpu.cr2());
                }
                case "cr3" -> {
                    cpu.setCr3(v);
                    return "CR3 = " + Args.hex32(cpu.cr3()) + "  (TLB flushed but for global pages)"
                            + dropped(v, cpu.cr3(), 0);
                }
                default -> {
                    int before = cpu.cr4();
                    cpu.setCr4(v);
                    boolean flushed = ((before ^ v) & (Cr4.PGE | Cr4.PSE)) != 0;
                    return "CR4 = " + Args.hex32(cpu.cr4()) + "  " + cr4Flags(cpu.cr4())
                            + (flushed ? "  (whole TLB flushed)" : "");
                }
            }
        });
    }

    /** Notes reserved bits that the load ignored, so the user is not surprised by the new value. */
    private static String dropped(int asked, int got, int forced) {
        int lost = asked & ~got & ~forced;
        return lost == 0 ? "" : String.format("  (reserved bits 0x%x ignored)", lost);
    }

    static String cr0Flags(int cr0) {
        return flags(cr0, new int[] {Cr0.PE, Cr0.MP, Cr0.EM, Cr0.TS, Cr0.ET, Cr0.NE, Cr0.WP, Cr0.AM, Cr0.NW, Cr0.CD, Cr0.PG},
                new String[] {"PE", "MP", "EM", "TS", "ET", "NE", "WP", "AM", "NW", "CD", "PG"});
    }

    static String cr4Flags(int cr4) {
        return flags(cr4, new int[] {Cr4.PSE, Cr4.PGE}, new String[] {"PSE", "PGE"});
    }

    private static String flags(int value, int[] bits, String[] names) {
        List<String> set = new ArrayList<>();
        for (int i = 0; i < bits.length; i++) {
            if ((value & bits[i]) != 0) {
                set.add(names[i]);
            }
        }
        return set.isEmpty() ? "-" : String.join(" ", set);
    }

    // ---- any other number of arguments: one line of usage -------------------------------------

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object regs(String... other) {
        return Commands.usage("cpu:regs", "");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object set(String... other) {
        return Commands.usage("cpu:set", "cr0|cr2|cr3|cr4|cpl VALUE");
    }
}
