package org.clkernel.shell;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.clkernel.api.actor.Actor;
import org.clkernel.api.actor.ActorRegistry;
import org.clkernel.api.machine.Machine;
import org.clkernel.api.paging.AddressSpace;
import org.clkernel.api.paging.PagingCounters;
import org.clkernel.api.paging.Prot;
import org.clkernel.api.paging.Region;
import org.clkernel.api.paging.SwapUsage;
import org.clkernel.api.paging.VirtualMemory;
import org.clkernel.api.physical.FrameAllocator;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** Address spaces: create, list, map, unmap, translate, map I/O, reserve, run on the shell's CPU. */
@Component(service = SpaceCommands.class)
@GogoCommand(scope = "vm", function = {"spaces", "create", "destroy", "map", "unmap", "translate", "mapio", "reserve",
        "activate", "limit", "stats"})
public class SpaceCommands {
    private static final String KERNEL = Actor.KERNEL_NAME;
    private static final String DEFAULT_PROT = "default";

    @Reference
    VirtualMemory vm;

    @Reference
    Machine machine;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ActorRegistry actors;

    @Descriptor("list the address spaces: actor, page directory, regions, fault counters")
    public Object spaces() {
        return Commands.run("vm:spaces", () -> {
            Table t = new Table(">ACTOR", "NAME", "CR3", ">REGIONS", ">RESIDENT", ">LIMIT", ">MINOR", ">MAJOR", ">SWAP IN",
                    ">SWAP OUT");
            for (AddressSpace s : vm.spaces()) {
                PagingCounters c = vm.counters(s.actor());
                long limit = vm.residentLimit(s.actor());
                t.row(s.actor(), name(s.actor()), Args.hex32(s.pageDirectory()), vm.regions(s.actor()).size(),
                        vm.residentPages(s.actor()), limit == 0 ? "-" : Long.toString(limit), c.minorFaults(),
                        c.majorFaults(), c.swapIns(), c.swapOuts());
            }
            return t.toString();
        });
    }

    @Descriptor("create an actor's address space: a page directory with the shared kernel half")
    public Object create(@Descriptor("actor name or id") String actor) {
        return Commands.run("vm:create", () -> {
            AddressSpace s = vm.createSpace(actorId(actor));
            return "space of " + name(s.actor()) + ": page directory at " + Args.hex32(s.pageDirectory());
        });
    }

    @Descriptor("destroy an actor's address space, freeing the frames it filled, its tables and directory")
    public Object destroy(@Descriptor("actor name or id") String actor) {
        return Commands.run("vm:destroy", () -> {
            int id = actorId(actor);
            return "space of " + name(id) + " destroyed: " + vm.destroySpace(id) + " frames freed";
        });
    }

    @Descriptor("map one 4 KiB page")
    public Object map(
            @Descriptor("whose space (default: kernel)") @Parameter(names = {"-a", "--actor"}, absentValue = KERNEL) String actor,
            @Descriptor("r, rw, ru or rwu (default: rw for the kernel, rwu for an actor)") @Parameter(names = {"-p", "--prot"}, absentValue = DEFAULT_PROT) String prot,
            @Descriptor("virtual address, page aligned") String va,
            @Descriptor("physical address, page aligned") String pa) {
        return Commands.run("vm:map", () -> {
            int id = actorId(actor);
            int p = prot(prot, id);
            long v = Args.address("virtual address", va);
            long f = Args.address("physical address", pa);
            vm.map(id, v, f, p);
            return String.format("%s: %s -> %s %s", name(id), Args.hex32(v), Args.hex32(f), Prot.describe(p));
        });
    }

    @Descriptor("unmap one page and shoot its translation down")
    public Object unmap(
            @Descriptor("whose space (default: kernel)") @Parameter(names = {"-a", "--actor"}, absentValue = KERNEL) String actor,
            @Descriptor("virtual address") String va) {
        return Commands.run("vm:unmap", () -> {
            int id = actorId(actor);
            long v = Args.address("virtual address", va);
            long was = vm.unmap(id, v);
            return was < 0 ? String.format("%s: %s was not mapped", name(id), Args.hex32(v))
                    : String.format("%s: %s unmapped (was %s)", name(id), Args.hex32(v), Args.hex32(was));
        });
    }

    @Descriptor("the physical address a virtual one maps to, by a software walk")
    public Object translate(
            @Descriptor("whose space (default: kernel)") @Parameter(names = {"-a", "--actor"}, absentValue = KERNEL) String actor,
            @Descriptor("virtual address") String va) {
        return Commands.run("vm:translate", () -> {
            int id = actorId(actor);
            long v = Args.address("virtual address", va);
            OptionalLong pa = vm.physical(id, v);
            return pa.isPresent() ? String.format("%s: %s -> %s", name(id), Args.hex32(v), Args.hex32(pa.getAsLong()))
                    : String.format("%s: %s is not mapped", name(id), Args.hex32(v));
        });
    }

    @Descriptor("map device memory into the kernel's MMIO window (uncached), each call its own range")
    public Object mapio(@Descriptor("physical address") String pa, @Descriptor("length in bytes") String length) {
        return Commands.run("vm:mapio", () -> {
            long p = Args.address("physical address", pa);
            long n = Args.number("length", length, 1, 1L << 28);
            long va = vm.mapIo(p, n);
            return String.format("%s (+%s) mapped at %s", Args.hex32(p), Args.bytes(n), Args.hex32(va));
        });
    }

    @Descriptor("reserve a demand-zero region: each page gets a zeroed frame on first touch")
    public Object reserve(
            @Descriptor("whose space (default: kernel)") @Parameter(names = {"-a", "--actor"}, absentValue = KERNEL) String actor,
            @Descriptor("r, rw, ru or rwu (default: rw for the kernel, rwu for an actor)") @Parameter(names = {"-p", "--prot"}, absentValue = DEFAULT_PROT) String prot,
            @Descriptor("first address, page aligned") String va,
            @Descriptor("length in bytes, a multiple of 4096") String length) {
        return Commands.run("vm:reserve", () -> {
            int id = actorId(actor);
            int p = prot(prot, id);
            long v = Args.address("virtual address", va);
            long n = Args.number("length", length, 4096, 1L << 32);
            vm.reserve(id, v, n, p);
            StringBuilder s = new StringBuilder(String.format("%s: reserved %s-%s %s%n", name(id), Args.hex32(v),
                    Args.hex32(v + n - 1), Prot.describe(p)));
            for (Region r : vm.regions(id)) {
                s.append(String.format("  region %s-%s %s%n", Args.hex32(r.start()), Args.hex32(r.end() - 1), Prot.describe(r.prot())));
            }
            return s.toString();
        });
    }

    @Descriptor("run an actor's space on the shell's CPU context (CR3, paging on, its page-fault handler), for mmu:access")
    public Object activate(@Descriptor("actor name or id") String actor) {
        return Commands.run("vm:activate", () -> {
            int id = actorId(actor);
            vm.activate(machine.context(CpuCommands.SHELL_CONTEXT), id);
            return "shell context runs the space of " + name(id) + " (CR3 = "
                    + Args.hex32(machine.context(CpuCommands.SHELL_CONTEXT).cr3()) + ")";
        });
    }

    @Descriptor("set how many demand-filled pages a space may keep resident before it is paged (0: the actor's frame quota)")
    public Object limit(@Descriptor("actor name or id") String actor, @Descriptor("pages") String pages) {
        return Commands.run("vm:limit", () -> {
            int id = actorId(actor);
            vm.setResidentLimit(id, Args.number("pages", pages, 0, 1 << 20));
            long limit = vm.residentLimit(id);
            return name(id) + ": resident limit " + (limit == 0 ? "none" : limit + " pages");
        });
    }

    @Descriptor("paging counters per space and in total")
    public Object stats(
            @Descriptor("print JSON") @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") String json) {
        return Commands.run("vm:stats", () -> {
            List<Map<String, Object>> rows = new ArrayList<>();
            Table t = new Table(">ACTOR", "NAME", ">MINOR", ">MAJOR", ">SWAP IN", ">SWAP OUT", ">SHOOTDOWNS");
            for (AddressSpace s : vm.spaces()) {
                PagingCounters c = vm.counters(s.actor());
                t.row(s.actor(), name(s.actor()), c.minorFaults(), c.majorFaults(), c.swapIns(), c.swapOuts(), c.tlbShootdowns());
                rows.add(counters(s.actor(), c));
            }
            PagingCounters all = vm.counters();
            t.row("", "total", all.minorFaults(), all.majorFaults(), all.swapIns(), all.swapOuts(), all.tlbShootdowns());
            if (Boolean.parseBoolean(json)) {
                return Json.array(rows);
            }
            SwapUsage swap = vm.swapUsage();
            return t + String.format("swap: %d of %d slots used (%d clean copies); policy %s%n", swap.used(), swap.slots(),
                    swap.cleanCopies(), vm.policy());
        });
    }

    private Map<String, Object> counters(int actor, PagingCounters c) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("actor", actor);
        row.put("name", name(actor));
        row.put("minorFaults", c.minorFaults());
        row.put("majorFaults", c.majorFaults());
        row.put("swapIns", c.swapIns());
        row.put("swapOuts", c.swapOuts());
        row.put("tlbShootdowns", c.tlbShootdowns());
        return row;
    }

    /** An actor by name (through the registry) or by number. */
    private int actorId(String actor) {
        if (actor.equals(KERNEL)) {
            return FrameAllocator.KERNEL;
        }
        ActorRegistry registry = actors;
        if (registry != null) {
            var found = registry.find(actor);
            if (found.isPresent()) {
                return found.get().id();
            }
        }
        if (!actor.isEmpty() && actor.chars().allMatch(Character::isDigit)) {
            return (int) Args.number("actor id", actor, 0, FrameAllocator.MAX_OWNER - 1);
        }
        throw new IllegalArgumentException("no actor named '" + actor + "'");
    }

    private String name(int id) {
        ActorRegistry registry = actors;
        return registry == null ? (id == 0 ? KERNEL : "#" + id) : registry.get(id).map(Actor::name).orElse("#" + id);
    }

    private static int prot(String text, int actor) {
        String p = text.equals(DEFAULT_PROT) ? (actor == FrameAllocator.KERNEL ? "rw" : "rwu") : text;
        return switch (Args.choice("protection", p, "r", "rw", "ru", "rwu")) {
            case "r" -> Prot.READ;
            case "rw" -> Prot.WRITE;
            case "ru" -> Prot.USER;
            default -> Prot.WRITE | Prot.USER;
        };
    }

    // ---- any other number of arguments: one line of usage -------------------------------------

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object spaces(String... other) {
        return Commands.usage("vm:spaces", "");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object create(String... other) {
        return Commands.usage("vm:create", "ACTOR");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object destroy(String... other) {
        return Commands.usage("vm:destroy", "ACTOR");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object map(String... other) {
        return Commands.usage("vm:map", "[--actor NAME] [--prot r|rw|ru|rwu] VA PA");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object unmap(String... other) {
        return Commands.usage("vm:unmap", "[--actor NAME] VA");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object translate(String... other) {
        return Commands.usage("vm:translate", "[--actor NAME] VA");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object mapio(String... other) {
        return Commands.usage("vm:mapio", "PA LENGTH");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object reserve(String... other) {
        return Commands.usage("vm:reserve", "[--actor NAME] [--prot r|rw|ru|rwu] VA LENGTH");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object activate(String... other) {
        return Commands.usage("vm:activate", "ACTOR");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object limit(String... other) {
        return Commands.usage("vm:limit", "ACTOR PAGES");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object stats(String... other) {
        return Commands.usage("vm:stats", "[--json]");
    }
}
