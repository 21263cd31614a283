package org.clkernel.paging.replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.clkernel.api.machine.CpuContext;
import org.clkernel.api.machine.Machine;
import org.clkernel.api.paging.KernelLayout;
import org.clkernel.api.paging.PagingCounters;
import org.clkernel.api.paging.Prot;
import org.clkernel.api.paging.ReplayResult;
import org.clkernel.api.paging.TraceReplayer;
import org.clkernel.api.paging.VirtualMemory;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.replacement.ReplacementPolicy;
import org.osgi.framework.Constants;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferenceScope;

/**
 * Tracks every installed {@link ReplacementPolicy} (prototype services: each replay gets its own
 * instance, returned when the replay ends) and replays traces through them: alone
 * ({@link #simulate}), or on the machine through the paging system ({@link #replayOnMachine}), which
 * needs the {@link VirtualMemory}, {@link Machine} and {@link FrameAllocator} services.
 */
@Component(service = TraceReplayer.class)
public final class ReplayService implements TraceReplayer {

    private record Installed(String name, int ranking, ComponentServiceObjects<ReplacementPolicy> objects) {
    }

    /** Where a machine replay's region starts: page 0 stays unmapped, as a null page. */
    static final long REGION_BASE = 0x00400000L;

    private final Map<ComponentServiceObjects<ReplacementPolicy>, Installed> installed = new ConcurrentHashMap<>();
    /** One machine replay at a time: each takes a free owner id and a context name of its own. */
    private static final Object MACHINE_REPLAYS = new Object();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile VirtualMemory vm;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile Machine machine;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile FrameAllocator frames;
    /** The last trace read, kept so that replaying one file through several policies reads it once. */
    private volatile CachedTrace lastTrace;

    private record CachedTrace(Path path, long modified, long size, Trace trace) {
    }

    @Reference(service = ReplacementPolicy.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, scope = ReferenceScope.PROTOTYPE_REQUIRED)
    void addPolicy(ComponentServiceObjects<ReplacementPolicy> objects, Map<String, Object> properties) {
        Object name = properties.get(ReplacementPolicy.NAME);
        Object ranking = properties.get(Constants.SERVICE_RANKING);
        if (name instanceof String n && !n.isBlank()) {
            installed.put(objects, new Installed(n, ranking instanceof Integer r ? r : 0, objects));
        }
    }

    void removePolicy(ComponentServiceObjects<ReplacementPolicy> objects) {
        installed.remove(objects);
    }

    @Override
    public List<Policy> policies() {
        List<Installed> all = new ArrayList<>(installed.values());
        all.sort(Comparator.comparingInt(Installed::ranking).reversed().thenComparing(Installed::name));
        List<Policy> policies = new ArrayList<>();
        for (Installed i : all) {
            policies.add(new Policy(i.name(), i.ranking()));
        }
        return policies;
    }

    @Override
    public ReplayResult simulate(Path file, String policy, int frames, Progress progress) throws IOException {
        if (frames < 1) {
            throw new IllegalArgumentException("frames must be at least 1, not " + frames);
        }
        Installed chosen = installed.values().stream().filter(i -> i.name().equals(policy))
                .max(Comparator.comparingInt(Installed::ranking))
                .orElseThrow(() -> new IllegalArgumentException("no policy named '" + policy + "' is installed (have: "
                        + String.join(", ", policies().stream().map(Policy::name).toList()) + ")"));
        Trace trace = read(file);
        ReplacementPolicy instance = chosen.objects().getService();
        try {
            return new Simulation(trace, frames).run(instance, policy,
                    progress == null ? null : done -> progress.update(done, trace.length()));
        } catch (IllegalStateException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalStateException("policy " + policy + " failed: " + e, e);
        } finally {
            chosen.objects().ungetService(instance);
        }
    }

    @Override
    public ReplayResult replayOnMachine(Path file, String policy, int frames, Progress progress) throws IOException {
        if (frames < 1) {
            throw new IllegalArgumentException("frames must be at least 1, not " + frames);
        }
        if ("opt".equals(policy)) {
            throw new IllegalArgumentException("opt needs the future, which a running system does not know; replay it with --mode sim");
        }
        VirtualMemory vm = this.vm;
        Machine machine = this.machine;
        FrameAllocator allocator = this.frames;
        if (vm == null || machine == null || allocator == null) {
            throw new IllegalStateException("machine mode needs the paging system (VirtualMemory, Machine and FrameAllocator services), which is not running; use --mode sim");
        }
        Trace trace = read(file);
        long pages = trace.distinct();
        long room = (KernelLayout.KERNEL_BASE - REGION_BASE) >>> 12;
        if (pages > room) {
            throw new IllegalArgumentException("the trace has " + pages + " distinct pages; the user half holds " + room
                    + " from 0x" + Long.toHexString(REGION_BASE));
        }
        synchronized (MACHINE_REPLAYS) {
            return onMachine(vm, machine, allocator, trace, policy, frames, progress);
        }
    }

    private static ReplayResult onMachine(VirtualMemory vm, Machine machine, FrameAllocator allocator, Trace trace,
            String policy, int frames, Progress progress) {
        int owner = unusedOwner(vm, allocator);
        String contextName = contextName(machine, "replay-" + owner);
        boolean space = false;
        CpuContext cpu = null;
        try {
            vm.createSpace(owner);
            space = true;
            vm.usePolicy(owner, policy);
            vm.setResidentLimit(owner, frames);
            vm.reserve(owner, REGION_BASE, (long) trace.distinct() << 12, Prot.USER);
            cpu = machine.context(contextName);
            vm.activate(cpu, owner);
            cpu.setCpl(3);
            PagingCounters before = vm.counters(owner);
            int length = trace.length();
            int step = Math.max(1, length / 100);
            long start = System.nanoTime();
            for (int i = 0; i < length; i++) {
                cpu.read32(REGION_BASE + ((long) trace.page(i) << 12));
                if (progress != null && i % step == step - 1) {
                    progress.update(i + 1L, length);
                }
            }
            long nanos = System.nanoTime() - start;
            PagingCounters after = vm.counters(owner);
            String used = vm.policy(owner);
            if (!used.equals(policy)) {
                throw new IllegalStateException("policy " + policy + " failed during the replay; the space went on with " + used);
            }
            long misses = after.minorFaults() - before.minorFaults() + after.majorFaults() - before.majorFaults();
            return new ReplayResult(trace.name(), policy, frames, length, misses, nanos);
        } finally {
            if (cpu != null) {
                machine.removeContext(contextName);
            }
            if (space) {
                vm.destroySpace(owner);
            }
        }
    }

    /** The highest owner id with neither a space nor frames: far above every actor's id. */
    private static int unusedOwner(VirtualMemory vm, FrameAllocator allocator) {
        for (int id = FrameAllocator.MAX_OWNER - 1; id > 0; id--) {
            if (vm.space(id).isEmpty() && allocator.framesOwned(id) == 0) {
                return id;
            }
        }
        throw new IllegalStateException("every frame owner id is in use");
    }

    /** A context name no context has. */
    private static String contextName(Machine machine, String base) {
        String name = base;
        for (int n = 2; contextExists(machine, name); n++) {
            name = base + "-" + n;
        }
        return name;
    }

    private static boolean contextExists(Machine machine, String name) {
        return machine.contexts().stream().anyMatch(c -> c.name().equals(name));
    }

    private Trace read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no trace file " + file);
        }
        Path real = file.toRealPath();
        long modified = Files.getLastModifiedTime(real).toMillis();
        long size = Files.size(real);
        CachedTrace cached = lastTrace;
        if (cached != null && cached.path().equals(real) && cached.modified() == modified && cached.size() == size) {
            return cached.trace();
        }
        Trace trace = Trace.read(real);
        lastTrace = new CachedTrace(real, modified, size, trace);
        return trace;
    }
}
