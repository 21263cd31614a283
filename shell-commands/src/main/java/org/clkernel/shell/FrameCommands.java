package org.clkernel.shell;

import java.util.List;
import java.util.Locale;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.clkernel.api.actor.Actor;
import org.clkernel.api.actor.ActorRegistry;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.physical.Gfp;
import org.clkernel.api.physical.ZoneStats;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** The frame allocator, in the formats Linux users read: buddyinfo, meminfo, unusable index. */
@Component(service = FrameCommands.class)
@GogoCommand(scope = "mem", function = {"buddyinfo", "meminfo", "fragmentation", "alloc", "free"})
public class FrameCommands {

    @Reference
    FrameAllocator frames;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ActorRegistry actors;

    @Descriptor("free blocks per order 0..10 in each zone, as /proc/buddyinfo shows them")
    public Object buddyinfo() {
        return Commands.run("mem:buddyinfo", () -> {
            StringBuilder s = new StringBuilder();
            for (ZoneStats z : frames.zones()) {
                s.append(String.format("Node 0, zone %8s ", z.zone().name()));
                for (long n : z.freeBlocks()) {
                    s.append(String.format("%6d ", n));
                }
                s.append('\n');
            }
            return s.toString();
        });
    }

    @Descriptor("memory totals in kB, in the style of /proc/meminfo")
    public Object meminfo() {
        return Commands.run("mem:meminfo", () -> {
            List<ZoneStats> zones = frames.zones();
            long managed = zones.stream().mapToLong(ZoneStats::managedFrames).sum();
            long free = zones.stream().mapToLong(ZoneStats::freeFrames).sum();
            long cached = zones.stream().mapToLong(ZoneStats::cachedFrames).sum();
            ZoneStats dma = zones.get(0);
            StringBuilder s = new StringBuilder();
            line(s, "MemTotal", managed);
            line(s, "MemFree", free);
            line(s, "MemAllocated", managed - free);
            line(s, "PerCpuFree", cached);
            line(s, "Reserved", frames.reservedFrames());
            line(s, "DmaTotal", dma.managedFrames());
            line(s, "DmaFree", dma.freeFrames());
            return s.toString();
        });
    }

    private static void line(StringBuilder s, String label, long frames) {
        s.append(String.format("%-16s%8d kB%n", label + ":", frames * 4));
    }

    @Descriptor("unusable free space index per order (Gorman): the share of free memory in blocks too small for that order")
    public Object fragmentation() {
        return Commands.run("mem:fragmentation", () -> {
            StringBuilder s = new StringBuilder();
            s.append(String.format("%-21s", "order"));
            for (int order = 0; order <= FrameAllocator.MAX_ORDER; order++) {
                s.append(String.format("%6d", order));
            }
            s.append('\n');
            for (ZoneStats z : frames.zones()) {
                s.append(String.format("Node 0, zone %8s", z.zone().name()));
                for (int order = 0; order <= FrameAllocator.MAX_ORDER; order++) {
                    s.append(String.format(Locale.ROOT, "%6.3f", unusableIndex(z.freeBlocks(), order)));
                }
                s.append('\n');
            }
            return s.toString();
        });
    }

    /** (free frames - frames in blocks of at least this order) / free frames; 0 with nothing free. */
    static double unusableIndex(long[] freeBlocks, int order) {
        long free = 0;
        long usable = 0;
        for (int i = 0; i < freeBlocks.length; i++) {
            free += freeBlocks[i] << i;
            if (i >= order) {
                usable += freeBlocks[i] << i;
            }
        }
        return free == 0 ? 0 : (double) (free - usable) / free;
    }

    @Descriptor("allocate a block of 2^ORDER frames")
    public Object alloc(
            @Descriptor("owning actor (default: kernel)") @Parameter(names = {"-a", "--actor"}, absentValue = "kernel") String actor,
            @Descriptor("take it below 16 MiB (GFP DMA)") @Parameter(names = {"-d", "--dma"}, presentValue = "true", absentValue = "false") String dma,
            @Descriptor("zero-fill it (GFP ZERO)") @Parameter(names = {"-z", "--zero"}, presentValue = "true", absentValue = "false") String zero,
            @Descriptor("order, 0 (4 KiB) to 10 (4 MiB)") String order) {
        return Commands.run("mem:alloc", () -> {
            int o = (int) Args.number("order", order, 0, FrameAllocator.MAX_ORDER);
            Actor owner = actor(actor);
            boolean below16M = Boolean.parseBoolean(dma);
            long pfn = frames.allocate(o, owner.id(), (below16M ? Gfp.DMA : 0) | (Boolean.parseBoolean(zero) ? Gfp.ZERO : 0));
            if (pfn == FrameAllocator.OVER_QUOTA) {
                throw new IllegalStateException(String.format("actor %s is at its quota (%d of %d frames)",
                        owner.name(), frames.framesOwned(owner.id()), owner.frameQuota()));
            }
            if (pfn < 0) {
                throw new IllegalStateException("out of memory: no free block of order " + o + (below16M ? " below 16 MiB" : ""));
            }
            long pa = pfn << 12;
            return String.format("pfn 0x%x order %d: %s-%s (%s) for %s", pfn, o, Args.hex32(pa),
                    Args.hex32(pa + (4096L << o) - 1), Args.bytes(4096L << o), owner.name());
        });
    }

    @Descriptor("free a block that mem:alloc (or any allocator user) allocated")
    public Object free(
            @Descriptor("the owner the block must have (default: whoever owns it)") @Parameter(names = {"-a", "--actor"}, absentValue = "") String actor,
            @Descriptor("first frame number of the block") String pfn,
            @Descriptor("its order") String order) {
        return Commands.run("mem:free", () -> {
            long p = Args.number("pfn", pfn, 0, 0xFFFFF);
            int o = (int) Args.number("order", order, 0, FrameAllocator.MAX_ORDER);
            int owner;
            if (actor.isEmpty()) {
                FrameAllocator.Block b = frames.block(p);
                owner = b == null ? FrameAllocator.KERNEL : b.owner(); // let free() explain what is wrong
            } else {
                owner = actor(actor).id();
            }
            frames.free(p, o, owner);
            return String.format("freed pfn 0x%x order %d (%s)", p, o, Args.bytes(4096L << o));
        });
    }

    private Actor actor(String name) {
        ActorRegistry registry = actors;
        if (registry == null) {
            if (name.equals(Actor.KERNEL_NAME)) {
                return new Actor(FrameAllocator.KERNEL, Actor.KERNEL_NAME, 0, 0);
            }
            throw new IllegalStateException("no actor registry is running");
        }
        return registry.find(name).orElseThrow(() -> new IllegalArgumentException("no actor named '" + name + "'"));
    }

    // ---- any other number of arguments: one line of usage -------------------------------------

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object buddyinfo(String... other) {
        return Commands.usage("mem:buddyinfo", "");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object meminfo(String... other) {
        return Commands.usage("mem:meminfo", "");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object fragmentation(String... other) {
        return Commands.usage("mem:fragmentation", "");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object alloc(String... other) {
        return Commands.usage("mem:alloc", "[--actor NAME] [--dma] [--zero] ORDER");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object free(String... other) {
        return Commands.usage("mem:free", "[--actor NAME] PFN ORDER");
    }
}
