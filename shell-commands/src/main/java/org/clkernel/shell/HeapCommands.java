package org.clkernel.shell;

import java.util.Locale;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.clkernel.api.CheckResult;
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
@GogoCommand(scope = "heap", function = {"alloc", "free", "stats", "check", "strategy"})
public class HeapCommands {

    @Reference
    KernelHeap heap;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ActorRegistry actors;

    @Descriptor("kmalloc: allocate SIZE bytes of kernel heap")
    public Object alloc(
            @Descriptor("owning actor (default: kernel)") @Parameter(names = {"-a", "--actor"}, absentValue = Actor.KERNEL_NAME) String actor,
            @Descriptor("bytes, 1 to 16 MiB") String size) {
        return Commands.run("heap:alloc", () -> {
            long n = Args.number("size", size, 1, 16L << 20);
            int owner = actorId(actor);
            long address = heap.kmalloc(n, owner);
            if (address == 0) {
                throw new IllegalStateException("out of memory: no room for " + n + " bytes");
            }
            return String.format("%s: %d bytes (%d usable) for %s", Args.hex32(address), n, heap.usableSize(address), actor);
        });
    }

    @Descriptor("kfree: free a block kmalloc returned")
    public Object free(@Descriptor("the block's address") String address) {
        return Commands.run("heap:free", () -> {
            long a = Args.address("address", address);
            heap.kfree(a);
            return "freed " + Args.hex32(a);
        });
    }

    @Descriptor("heap statistics: current, peak and total bytes, live blocks, heap size, strategy and the last swap")
    public Object stats() {
        return Commands.run("heap:stats", () -> {
            KernelHeap.HeapStats s = heap.stats();
            StringBuilder out = new StringBuilder();
            out.append(String.format("%-10s %12s %12s %12s%n", "", "current", "peak", "total"));
            out.append(String.format("%-10s %12d %12d %12d%n", "bytes", s.currentBytes(), s.peakBytes(), s.totalBytes()));
            out.append(String.format("blocks     %d live, heap %s%n", s.blocks(), Args.bytes(s.heapBytes())));
            out.append("strategy   ").append(heap.strategy()).append('\n');
            KernelHeap.StrategySwap swap = heap.lastSwap();
            if (swap != null) {
                out.append(swap(swap)).append('\n');
            }
            return out.toString();
        });
    }

    @Descriptor("walk every heap block and name the first broken one")
    public Object check() {
        return Commands.run("heap:check", () -> {
            CheckResult r = heap.check();
            if (!r.isOk()) {
                System.err.println(r);
                return null;
            }
            return r.toString();
        });
    }

    @Descriptor("the placement strategy in use and its last swap")
    public Object strategy() {
        return Commands.run("heap:strategy", () -> {
            KernelHeap.StrategySwap swap = heap.lastSwap();
            return "strategy " + heap.strategy() + (swap == null ? "" : "\n" + swap(swap));
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
        return Commands.usage("heap:alloc", "[--actor NAME] SIZE");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object free(String... other) {
        return Commands.usage("heap:free", "ADDR");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object stats(String... other) {
        return Commands.usage("heap:stats", "");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object check(String... other) {
        return Commands.usage("heap:check", "");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object strategy(String... other) {
        return Commands.usage("heap:strategy", "[use NAME|first-fit|auto]");
    }
}
