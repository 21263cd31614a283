package org.clkernel.shell;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.clkernel.api.machine.AccessKind;
import org.clkernel.api.machine.CpuContext;
import org.clkernel.api.machine.Machine;
import org.clkernel.api.machine.PageFaultException;
import org.clkernel.api.machine.PageWalk;
import org.clkernel.api.machine.TlbEntry;
import org.clkernel.api.x86.Cr0;
import org.clkernel.api.x86.Cr4;
import org.clkernel.api.x86.PageFaultError;
import org.clkernel.api.x86.Paging;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The MMU of the shell's CPU context: single accesses, page walks and the TLB. */
@Component(service = MmuCommands.class)
@GogoCommand(scope = "mmu", function = {"access", "walk", "tlb", "invlpg"})
public class MmuCommands {

    @Reference
    Machine machine;

    @Descriptor("one access through the MMU: prints 'VA -> PA' or the page fault (error code and CR2)")
    public Object access(
            @Descriptor("privilege level of the access, 0 to 3 (default: the current CPL)") @Parameter(names = {"-c", "--cpl"}, absentValue = "current") String cpl,
            @Descriptor("linear address (0x hex or decimal)") String address,
            @Descriptor("r (read), w (write) or x (instruction fetch)") String kind) {
        return Commands.run("mmu:access", () -> {
            CpuContext cpu = machine.context(CpuCommands.SHELL_CONTEXT);
            long va = Args.address("address", address);
            AccessKind access = switch (Args.choice("access", kind, "r", "w", "x")) {
                case "r" -> AccessKind.READ;
                case "w" -> AccessKind.WRITE;
                default -> AccessKind.FETCH;
            };
            int saved = cpu.cpl();
            int level = cpl.equals("current") ? saved : (int) Args.number("CPL", cpl, 0, 3);
            cpu.setCpl(level);
            try {
                long pa = cpu.translate(va, access);
                return Args.hex32(va) + " -> " + Args.hex32(pa) + ((cpu.cr0() & Cr0.PG) == 0 ? "  (paging off)" : "");
            } catch (PageFaultException e) {
                return e.fault() + "  (" + PageFaultError.describe(e.errorCode()) + ")";
            } finally {
                cpu.setCpl(saved);
            }
        });
    }

    @Descriptor("walk the page directory and page table for a linear address, changing nothing")
    public Object walk(@Descriptor("linear address (0x hex or decimal)") String address) {
        return Commands.run("mmu:walk", () -> {
            CpuContext cpu = machine.context(CpuCommands.SHELL_CONTEXT);
            long va = Args.address("address", address);
            PageWalk w = cpu.walk(va);
            StringBuilder s = new StringBuilder();
            s.append(String.format("linear %s: directory index %d, table index %d, offset 0x%03x%n", Args.hex32(va),
                    Paging.pdIndex(va), Paging.ptIndex(va), va & 0xFFF));
            if ((cpu.cr0() & Cr0.PG) == 0) {
                s.append("note: CR0.PG is clear, accesses are not translated now\n");
            }
            s.append(String.format("CR3  %s%n", Args.hex32(w.cr3())));
            s.append(String.format("PDE  [%s] = %s  %s", Args.hex32(w.pdeAddress()), Args.hex32(w.pde()),
                    Paging.describe(w.pde(), true)));
            if ((w.pde() & Paging.P) == 0) {
                return s.append("\n=>   not present\n").toString();
            }
            if (w.largePage()) {
                s.append(String.format("  -> 4 MiB frame %s%n", Args.hex32(w.pde() & Paging.FRAME_4M)));
                if (w.reservedBitFault()) {
                    return s.append(String.format("=>   reserved bits 0x%x set: an access faults with RSVD%n",
                            w.pde() & Paging.PDE_4M_RESERVED)).toString();
                }
                return s.append(result(w, w.pde(), w.pde(), "4 MiB", cpu.cr4())).toString();
            }
            s.append(String.format("  -> page table %s%n", Args.hex32(w.pde() & Paging.FRAME_4K)));
            s.append(String.format("PTE  [%s] = %s  %s", Args.hex32(w.pteAddress()), Args.hex32(w.pte()),
                    Paging.describe(w.pte(), false)));
            if ((w.pte() & Paging.P) == 0) {
                return s.append("\n=>   not present\n").toString();
            }
            s.append(String.format("  -> frame %s%n", Args.hex32(w.pte() & Paging.FRAME_4K)));
            return s.append(result(w, w.pde() & w.pte(), w.pte(), "4 KiB", cpu.cr4())).toString();
        });
    }

    private static String result(PageWalk w, int combined, int leaf, String size, int cr4) {
        return String.format("=>   %s (%s page, %s, %s%s)%n", Args.hex32(w.physicalAddress()), size,
                (combined & Paging.US) != 0 ? "user" : "supervisor",
                (combined & Paging.RW) != 0 ? "writable" : "read-only",
                (leaf & Paging.G) == 0 ? "" : (cr4 & Cr4.PGE) != 0 ? ", global" : ", G ignored: CR4.PGE clear");
    }

    @Descriptor("list the TLB entries of the shell's CPU context")
    public Object tlb(
            @Descriptor("print JSON") @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") String json) {
        return Commands.run("mmu:tlb", () -> {
            CpuContext cpu = machine.context(CpuCommands.SHELL_CONTEXT);
            List<TlbEntry> entries = cpu.tlbEntries();
            if (Boolean.parseBoolean(json)) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (TlbEntry e : entries) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("linear", e.linearPage());
                    row.put("physical", e.physicalPage());
                    row.put("large", e.largePage());
                    row.put("writable", e.writable());
                    row.put("user", e.user());
                    row.put("dirty", e.dirty());
                    row.put("global", e.global());
                    rows.add(row);
                }
                return Json.array(rows);
            }
            if (entries.isEmpty()) {
                return "TLB empty (" + cpu.tlbCapacity() + " entries)\n";
            }
            Table t = new Table("LINEAR", "PHYSICAL", "PAGE", "RIGHTS", "D", "G");
            for (TlbEntry e : entries) {
                t.row(Args.hex32(e.linearPage()), Args.hex32(e.physicalPage()), e.largePage() ? "4M" : "4K",
                        (e.user() ? "U" : "S") + (e.writable() ? "W" : "R"), e.dirty() ? "D" : "-",
                        e.global() ? "G" : "-");
            }
            return t.toString();
        });
    }

    @Descriptor("INVLPG: drop the TLB entries of the page holding a linear address")
    public Object invlpg(@Descriptor("linear address (0x hex or decimal)") String address) {
        return Commands.run("mmu:invlpg", () -> {
            CpuContext cpu = machine.context(CpuCommands.SHELL_CONTEXT);
            long va = Args.address("address", address);
            int before = cpu.tlbEntries().size();
            cpu.invlpg(va);
            int dropped = before - cpu.tlbEntries().size();
            return String.format("invlpg %s: %d TLB entr%s dropped", Args.hex32(va), dropped, dropped == 1 ? "y" : "ies");
        });
    }

    // ---- any other number of arguments: one line of usage -------------------------------------

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object access(String... other) {
        return Commands.usage("mmu:access", "[--cpl N] VA r|w|x");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object walk(String... other) {
        return Commands.usage("mmu:walk", "VA");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object tlb(String... other) {
        return Commands.usage("mmu:tlb", "[--json]");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object invlpg(String... other) {
        return Commands.usage("mmu:invlpg", "VA");
    }
}
