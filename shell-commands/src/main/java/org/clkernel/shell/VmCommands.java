package org.clkernel.shell;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.clkernel.api.paging.ReplayResult;
import org.clkernel.api.paging.TraceReplayer;
import org.clkernel.api.paging.VirtualMemory;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** Page replacement: the installed policies and trace replay. */
@Component(service = VmCommands.class)
@GogoCommand(scope = "vm", function = {"policy", "replay"})
public class VmCommands {
    /** Traces at least this long print progress every 10%. */
    static final long PROGRESS_FROM = 200_000;

    @Reference
    TraceReplayer replayer;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile VirtualMemory vm;

    @Descriptor("vm:policy list: the installed replacement policies, best ranked first, and the one paging uses")
    public Object policy(@Descriptor("list") String action) {
        return Commands.run("vm:policy", () -> {
            Args.choice("action", action, "list");
            VirtualMemory paging = vm;
            String inUse = paging == null ? "" : paging.policy();
            Table t = new Table("POLICY", ">RANKING", "IN USE");
            for (TraceReplayer.Policy p : replayer.policies()) {
                t.row(p.name(), p.ranking(), p.name().equals(inUse) ? "*" : "");
            }
            if (VirtualMemory.BUILTIN_POLICY.equals(inUse)) {
                t.row(inUse, "-", "*");
            }
            return t.toString();
        });
    }

    @Descriptor("vm:policy use NAME: swap the policy demand paging uses, live ('auto': the best ranked)")
    public Object policy(@Descriptor("use") String action, @Descriptor("policy name, builtin-fifo or auto") String name) {
        return Commands.run("vm:policy", () -> {
            Args.choice("action", action, "use");
            VirtualMemory paging = vm;
            if (paging == null) {
                throw new IllegalStateException("the paging system is not running");
            }
            paging.usePolicy(name.equals("auto") ? null : name);
            return "demand paging now uses " + paging.policy();
        });
    }

    @Descriptor("replay a page trace (.txt: one page id a line; .lis: ARC format; either may be .gz) through a policy")
    public Object replay(
            @Descriptor("policy name, or 'all' for every installed policy (default: the best ranked)") @Parameter(names = {"-p", "--policy"}, absentValue = "") String policy,
            @Descriptor("number of page frames") @Parameter(names = {"-f", "--frames"}, absentValue = "") String frames,
            @Descriptor("sim: the policy alone, like a cache simulator; machine: every reference a read through the MMU, with real faults and swapping") @Parameter(names = {"-m", "--mode"}, absentValue = "sim") String mode,
            @Descriptor("trace file") String file) {
        return Commands.run("vm:replay", () -> {
            boolean machine = Args.choice("mode", mode, "sim", "machine").equals("machine");
            if (frames.isEmpty()) {
                throw new IllegalArgumentException("give the number of frames with --frames N");
            }
            int n = (int) Args.number("frames", frames, 1, 1 << 24);
            List<String> policies = new ArrayList<>();
            if (policy.equals("all")) {
                // opt needs the future, which a running system does not have: machine mode leaves it out
                replayer.policies().stream().filter(p -> !machine || !p.name().equals("opt")).forEach(p -> policies.add(p.name()));
            } else if (policy.isEmpty()) {
                policies.add(replayer.policies().stream().findFirst()
                        .orElseThrow(() -> new IllegalStateException("no replacement policy is installed")).name());
            } else {
                policies.add(policy);
            }
            Path path = Paths.get(file);
            PrintStream out = System.out;
            Table t = new Table("POLICY", ">FRAMES", ">REFERENCES", ">MISSES", ">MISS RATIO", ">SECONDS", ">M REFS/S");
            for (String p : policies) {
                ReplayResult r = replay(path, p, n, machine, out);
                t.row(r.policy(), r.frames(), r.references(), r.misses(), String.format(Locale.ROOT, "%.4f", r.missRatio()),
                        String.format(Locale.ROOT, "%.2f", r.nanos() / 1e9),
                        String.format(Locale.ROOT, "%.1f", r.referencesPerSecond() / 1e6));
            }
            return t.toString();
        });
    }

    private ReplayResult replay(Path path, String policy, int frames, boolean machine, PrintStream out) {
        long[] lastTenth = {0};
        TraceReplayer.Progress progress = (done, total) -> {
            long tenth = done * 10 / total;
            if (total >= PROGRESS_FROM && tenth > lastTenth[0] && tenth < 10) {
                lastTenth[0] = tenth;
                out.printf("%s: %d%% (%,d of %,d references)%n", policy, tenth * 10, done, total);
            }
        };
        try {
            return machine ? replayer.replayOnMachine(path, policy, frames, progress)
                    : replayer.simulate(path, policy, frames, progress);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path + ": " + e.getMessage());
        }
    }

    // ---- any other number of arguments: one line of usage -------------------------------------

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object policy(String... other) {
        return Commands.usage("vm:policy", "list | use NAME|builtin-fifo|auto");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object replay(String... other) {
        return Commands.usage("vm:replay", "[--policy NAME|all] --frames N [--mode sim|machine] FILE");
    }
}
