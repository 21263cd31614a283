package org.clkernel.shell;

import java.util.Locale;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.clkernel.api.actor.Actor;
import org.clkernel.api.actor.ActorRegistry;
import org.clkernel.api.heap.KernelHeap;
import org.clkernel.api.physical.FrameAllocator;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** The kernel heap: allocate, free, statistics, the integrity walk and the placement strategy. */
@Component(service = HeapCommands.class)
@GogoCommand(scope = "heap", function = {"alloc", "free", "stats", "actors", "check", "map", "strategy"})
public class HeapCommands {

    @Reference
    KernelHeap heap;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ActorRegistry actors;

    /** The allocation site of blocks allocated from the shell. */
    static final String SITE = "shell";

    @Descriptor("allocate SIZE bytes of kernel heap: kmalloc for the kernel, actor_malloc (within the quota) for an actor")
    public Object alloc(
            @Descriptor("owning actor (default: kernel)") @Parameter(names = {"-a", "--actor"}, absentValue = Actor.KERNEL_NAME) String actor,
            @Descriptor("alignment, a power of two from 8 to 4096") @Parameter(names = {"--align"}, absentValue = "8") String align,
            @Descriptor("bytes, 1 to 16 MiB") String size) {
        return Commands.run("heap:alloc", () -> {
            long n = Args.number("size", size, 1, 16L << 20);
            long alignment = Args.number("alignment", align, 8, 4096);
            int owner = actorId(actor);
            long address;
            if (alignment != 8) {
                address = heap.kmallocAligned(n, alignment, owner);
            } else if (owner == FrameAllocator.KERNEL) {
                address = heap.kmalloc(n, owner, heap.site(SITE));
            } else {
                address = heap.actorMalloc(n, owner);
                if (address == 0) {
                    quotaProblem(owner, n);
                }
            }
            if (address == 0) {
                throw new IllegalStateException("out of memory: no room for " + n + " bytes");
            }
            return String.format("%s: %d bytes (%d usable) for %s", Args.hex32(address), n, heap.usableSize(address), actor);
        });
    }

    /** Throws the reason an actor's allocation failed when it is the quota. */
    private void quotaProblem(int owner, long n) {
        ActorRegistry registry = actors;
        Actor a = registry == null ? null : registry.get(owner).orElse(null);
        long used = heap.actorStats(owner).currentBytes();
        if (a != null && a.heapQuota() > 0 && used + n > a.heapQuota()) {
            throw new IllegalStateException(String.format("actor %s is at its heap quota: %d of %d bytes in use, %d more asked",
                    a.name(), used, a.heapQuota(), n));
        }
    }

    @Descriptor("free a block: kfree, or actor_free when --actor names the owner that must hold it")
    public Object free(
            @Descriptor("the actor that owns the block (default: any)") @Parameter(names = {"-a", "--actor"}, absentValue = "") String actor,
            @Descriptor("the block's address") String address) {
        return Commands.run("heap:free", () -> {
            long a = Args.address("address", address);
            if (actor.isEmpty()) {
                heap.kfree(a);
            } else {
                heap.actorFree(a, actorId(actor));
            }
            return "freed " + Args.hex32(a);
        });
    }

    @Descriptor("heap use per actor: live, peak and total bytes, live blocks, quota")
    public Object actors() {
        return Commands.run("heap:actors", () -> {
            StringBuilder out = new StringBuilder(String.format("%-4s %-16s %12s %12s %12s %8s %12s%n",
                    "id", "actor", "current", "peak", "total", "blocks", "quota"));
            ActorRegistry registry = actors;
            for (KernelHeap.ActorHeapStats s : heap.actorStats()) {
                Actor a = registry == null ? null : registry.get(s.actor()).orElse(null);
                String name = s.actor() == FrameAllocator.KERNEL ? Actor.KERNEL_NAME : a == null ? "(gone)" : a.name();
                String quota = a == null || a.heapQuota() == 0 ? "-" : String.valueOf(a.heapQuota());
                out.append(String.format("%-4d %-16s %12d %12d %12d %8d %12s%n", s.actor(), name, s.currentBytes(),
                        s.peakBytes(), s.totalBytes(), s.blocks(), quota));
            }
            return out.toString();
        });
    }

    @Descriptor("a picture of the heap: one character per piece, '#' used, '.' free, 'q' quarantined, '+' used and free")
    public Object map(
            @Descriptor("bytes a character stands for (default: the heap in at most 32 lines)") @Parameter(names = {"-b", "--bytes"}, absentValue = "0") String bytes) {
        return Commands.run("heap:map", () -> HeapMap.draw(heap, Args.number("bytes", bytes, 0, 1L << 28)));
    }

    @Descriptor("heap statistics: current, peak and total bytes, live blocks, heap size, strategy and the last swap")
    public Object stats() {
        return Commands.run("heap:stats", () -> {
            KernelHeap.HeapStats s = heap.stats();
            StringBuilder out = new StringBuilder();
            out.append(String.format("%-10s %12s %12s %12s%n", "", "current", "peak", "total"));
            out.append(String.format("%-10s %12d %12d %12d%n", "bytes", s.currentBytes(), s.peakBytes(), s.totalBytes()));
            out.append(String.format("blocks     %d live, heap %s%n", s.blocks(), Args.bytes(s.heapBytes())));
            out.append(String.format(Locale.ROOT, "free       %d blocks, %s, largest %s, fragmentation %.3f%n", s.freeBlocks(),
                    Args.bytes(s.freeBytes()), Args.bytes(s.largestFree()), s.fragmentation()));
            KernelHeap.HeapChecks c = heap.checks();
            out.append(String.format("quarantine %d blocks, %s of %s; writes after free found: %d%n", s.quarantinedBlocks(),
                    Args.bytes(s.quarantinedBytes()), c.poison() ? Args.bytes(c.quarantineBytes()) : "off", s.writesAfterFree()));
            out.append(String.format("checks     canary %s, poison %s, zero on free %s%n", onOff(c.canary()), onOff(c.poison()),
                    onOff(c.zeroOnFree())));
            out.append("strategy   ").append(heap.strategy()).append('\n');
            KernelHeap.StrategySwap swap = heap.lastSwap();
            if (swap != null) {
                out.append(swap(swap)).append('\n');
            }
            return out.toString();
        });
    }

    private static String onOff(boolean on) {
        return on ? "on" : "off";
    }

    @Descriptor("walk every heap block and the strategy's index, name the first broken element, list writes after free found")
    public Object check() {
        return Commands.run("heap:check", () -> Commands.checkReport(heap.check(), heap.findings()));
    }

    @Descriptor("the placement strategy in use and its last swap")
    public Object strategy() {
        return Commands.run("heap:strategy", () -> {
            KernelHeap.StrategySwap swap = heap.lastSwap();
            return "strategy " + heap.strategy() + (swap == null ? "" : "\n" + swap(swap));
        });
    }

    @Descriptor("heap:strategy list: the strategies that can be chosen, best-ranked first")
    public Object strategy(@Descriptor("list") String action) {
        return Commands.run("heap:strategy", () -> {
            Args.choice("action", action, "list");
            StringBuilder out = new StringBuilder();
            for (String name : heap.strategies()) {
                out.append(name.equals(heap.strategy()) ? "* " : "  ").append(name).append('\n');
            }
            return out.toString();
        });
    }

    @Descriptor("heap:strategy use NAME: swap the placement strategy live ('auto': the best ranked)")
    public Object strategy(@Descriptor("use") String action, @Descriptor("strategy name, first-fit or auto") String name) {
        return Commands.run("heap:strategy", () -> {
            Args.choice("action", action, "use");
            heap.useStrategy(name.equals("auto") ? null : name);
            KernelHeap.StrategySwap swap = heap.lastSwap();
            return "strategy " + heap.strategy() + (swap == null ? "" : "\n" + swap(swap));
        });
    }

    private static String swap(KernelHeap.StrategySwap s) {
        return String.format(Locale.ROOT, "last swap  %s -> %s (%s): pause %.3f ms (quiesce %.3f, rebuild %.3f), %d free blocks indexed",
                s.from(), s.to(), s.reason(), s.pauseNanos() / 1e6, s.quiesceNanos() / 1e6, s.rebuildNanos() / 1e6,
                s.freeBlocks());
    }

    private int actorId(String name) {
        if (name.equals(Actor.KERNEL_NAME)) {
            return FrameAllocator.KERNEL;
        }
        ActorRegistry registry = actors;
        if (registry == null) {
            throw new IllegalStateException("no actor registry is running");
        }
        return registry.find(name).orElseThrow(() -> new IllegalArgumentException("no actor named '" + name + "'")).id();
    }

    // ---- any other number of arguments: one line of usage -------------------------------------

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object alloc(String... other) {
        return Commands.usage("heap:alloc", "[--actor NAME] [--align N] SIZE");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object free(String... other) {
        return Commands.usage("heap:free", "[--actor NAME] ADDR");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object stats(String... other) {
        return Commands.usage("heap:stats", "");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object actors(String... other) {
        return Commands.usage("heap:actors", "");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object map(String... other) {
        return Commands.usage("heap:map", "[--bytes N]");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object check(String... other) {
        return Commands.usage("heap:check", "");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object strategy(String... other) {
        return Commands.usage("heap:strategy", "[list | use NAME|first-fit|auto]");
    }
}
