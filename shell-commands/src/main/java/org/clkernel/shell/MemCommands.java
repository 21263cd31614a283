package org.clkernel.shell;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.clkernel.api.CheckResult;
import org.clkernel.api.actor.ActorRegistry;
import org.clkernel.api.heap.KernelHeap;
import org.clkernel.api.slab.SlabAllocator;
import org.clkernel.api.paging.VirtualMemory;
import org.clkernel.api.physical.DetectedRegion;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.machine.CpuContext;
import org.clkernel.api.machine.Machine;
import org.clkernel.api.machine.MemoryRegion;
import org.clkernel.api.machine.MmioDevice;
import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.machine.RegionType;
import org.clkernel.api.machine.VgaText;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** Physical memory, as a kernel developer looks at it: the map, hex dumps, pokes, the text screen. */
@Component(service = MemCommands.class)
@GogoCommand(scope = "mem", function = {"info", "map", "xp", "poke", "vga", "check"})
public class MemCommands {
    static final int MAX_DUMP = 64 * 1024;

    @Reference
    Machine machine;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile FrameAllocator frames;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ActorRegistry actors;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile VirtualMemory paging;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile KernelHeap heap;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile SlabAllocator slab;

    @Descriptor("RAM size, usable memory, Multiboot information, anchor table, devices, contexts, and the usable regions the kernel detected with whatever it dropped or clipped")
    public Object info() {
        return Commands.run("mem:info", () -> {
            PhysicalMemory pm = machine.physical();
            long usable = machine.memoryMap().stream().filter(r -> r.type() == RegionType.USABLE)
                    .mapToLong(MemoryRegion::length).sum();
            StringBuilder s = new StringBuilder();
            s.append(String.format("RAM        %s (%d bytes), %s backed by host memory%n",
                    Args.bytes(pm.ramSize()), pm.ramSize(), Args.bytes(pm.residentBytes())));
            s.append(String.format("usable     %s in %d regions%n", Args.bytes(usable),
                    machine.memoryMap().stream().filter(r -> r.type() == RegionType.USABLE).count()));
            s.append(String.format("multiboot  information at %s, %d memory-map entries%n",
                    Args.hex32(machine.multibootInfo()), machine.memoryMap().size()));
            s.append(String.format("anchors    table at %s, %d used, %d free%n",
                    Args.hex32(org.clkernel.api.machine.AnchorTable.ADDRESS), machine.anchors().entries().size(),
                    machine.anchors().freeSlots()));
            for (MmioDevice d : machine.devices()) {
                s.append(String.format("device     %-6s %s-%s%n", d.name(), Args.hex32(d.base()),
                        Args.hex32(d.base() + d.size() - 1)));
            }
            String contexts = machine.contexts().stream().map(CpuContext::name).collect(Collectors.joining(", "));
            s.append("contexts   ").append(contexts.isEmpty() ? "(none yet)" : contexts).append('\n');
            s.append(String.format("boot id    %016x%n", machine.bootId()));
            FrameAllocator f = frames;
            if (f != null) {
                for (DetectedRegion r : f.regions()) {
                    s.append(String.format("detected   usable %s-%s (%s)%n", Args.hex32(r.base()), Args.hex32(r.end() - 1),
                            Args.bytes(r.length())));
                }
                for (String finding : f.detectionReport()) {
                    s.append("detection  ").append(finding).append('\n');
                }
            }
            return s.toString();
        });
    }

    @Descriptor("the firmware memory map (E820), as the Multiboot mmap hands it to the kernel")
    public Object map(
            @Descriptor("print JSON") @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") String json) {
        return Commands.run("mem:map", () -> {
            List<MemoryRegion> map = machine.memoryMap();
            if (Boolean.parseBoolean(json)) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (MemoryRegion r : map) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("base", r.base());
                    row.put("length", r.length());
                    row.put("type", r.type().name().toLowerCase());
                    row.put("code", r.type().code());
                    rows.add(row);
                }
                return Json.array(rows);
            }
            Table t = new Table("BASE", "LAST", ">SIZE", "TYPE");
            for (MemoryRegion r : map) {
                t.row(Args.hex32(r.base()), Args.hex32(r.last()), Args.bytes(r.length()),
                        r.type().label());
            }
            return t.toString();
        });
    }

    @Descriptor("hex dump of 64 bytes of physical memory")
    public Object xp(@Descriptor("physical address (0x hex or decimal)") String address) {
        return xp(address, "64");
    }

    @Descriptor("hex dump of physical memory")
    public Object xp(@Descriptor("physical address (0x hex or decimal)") String address,
            @Descriptor("number of bytes, 1 to 65536") String count) {
        return Commands.run("mem:xp", () -> {
            long pa = Args.address("address", address);
            int n = (int) Args.number("count", count, 1, MAX_DUMP);
            if (pa + n > PhysicalMemory.ADDRESS_SPACE) {
                throw new IllegalArgumentException("the dump would run past 0xffffffff");
            }
            byte[] bytes = new byte[n];
            machine.physical().read(pa, bytes, 0, n);
            return Hexdump.format(pa, bytes);
        });
    }

    @Descriptor("write a value to physical memory")
    public Object poke(
            @Descriptor("access size in bytes: 1, 2 or 4 (default 4)") @Parameter(names = {"-s", "--size"}, absentValue = "4") String size,
            @Descriptor("physical address (0x hex or decimal)") String address,
            @Descriptor("value; must fit the size") String value) {
        return Commands.run("mem:poke", () -> {
            int bytes = Integer.parseInt(Args.choice("size", size, "1", "2", "4"));
            long pa = Args.address("address", address);
            long max = (1L << (8 * bytes)) - 1;
            long v = Args.number("value", value, -(1L << (8 * bytes - 1)), max);
            if (pa + bytes > PhysicalMemory.ADDRESS_SPACE) {
                throw new IllegalArgumentException("the write would run past 0xffffffff");
            }
            PhysicalMemory pm = machine.physical();
            switch (bytes) {
                case 1 -> pm.write8(pa, (int) v);
                case 2 -> pm.write16(pa, (int) v);
                default -> pm.write32(pa, (int) v);
            }
            String where = pm.isRam(pa) ? "" : machine.devices().stream()
                    .filter(d -> pa >= d.base() && pa < d.base() + d.size()).map(d -> " (" + d.name() + ")")
                    .findFirst().orElse(" (nothing decodes this address: the write is lost)");
            return String.format("%s <- 0x%0" + (2 * bytes) + "x (%d byte%s)%s", Args.hex32(pa), v & max, bytes,
                    bytes == 1 ? "" : "s", where);
        });
    }

    @Descriptor("show the VGA text screen (80x25 at 0xb8000)")
    public Object vga() {
        return Commands.run("mem:vga", () -> {
            String border = "+" + "-".repeat(VgaText.COLUMNS) + "+\n";
            StringBuilder s = new StringBuilder(border);
            for (String line : machine.vga().lines()) {
                s.append('|').append(line).append("|\n");
            }
            return s.append(border).toString();
        });
    }

    @Descriptor("integrity walk of every memory structure: anchor table, Multiboot information, frame allocator, actor table, page tables and swap map, kernel heap, slab caches")
    public Object check() {
        return Commands.run("mem:check", () -> {
            StringBuilder s = new StringBuilder();
            boolean ok = true;
            List<CheckResult> results = new ArrayList<>(machine.check());
            FrameAllocator f = frames;
            if (f != null) {
                results.add(f.check());
            }
            ActorRegistry a = actors;
            if (a != null) {
                results.add(a.check());
            }
            VirtualMemory v = paging;
            if (v != null) {
                results.add(v.check());
            }
            KernelHeap h = heap;
            if (h != null) {
                results.add(h.check());
            }
            SlabAllocator sl = slab;
            if (sl != null) {
                results.add(sl.check());
            }
            for (CheckResult r : results) {
                s.append(r).append('\n');
                ok &= r.isOk();
            }
            if (!ok) {
                System.err.print(s);
                return null;
            }
            return s.toString();
        });
    }

    // ---- any other number of arguments: one line of usage -------------------------------------

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object info(String... other) {
        return Commands.usage("mem:info", "");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object map(String... other) {
        return Commands.usage("mem:map", "[--json]");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object xp(String... other) {
        return Commands.usage("mem:xp", "ADDR [COUNT]");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object poke(String... other) {
        return Commands.usage("mem:poke", "[--size 1|2|4] ADDR VALUE");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object vga(String... other) {
        return Commands.usage("mem:vga", "");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object check(String... other) {
        return Commands.usage("mem:check", "");
    }
}
