package org.clkernel.paging.replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.clkernel.api.paging.ReplayResult;
import org.clkernel.api.paging.TraceReplayer;
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
 * instance, returned when the replay ends) and replays traces through them.
 */
@Component(service = TraceReplayer.class)
public final class ReplayService implements TraceReplayer {

    private record Installed(String name, int ranking, ComponentServiceObjects<ReplacementPolicy> objects) {
    }

    private final Map<ComponentServiceObjects<ReplacementPolicy>, Installed> installed = new ConcurrentHashMap<>();
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
