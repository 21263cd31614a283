package org.clkernel.heap;

import static org.clkernel.api.paging.KernelLayout.HEAP_WINDOW;
import static org.clkernel.api.paging.KernelLayout.HEAP_WINDOW_END;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

import org.clkernel.api.heap.HeapReplayReport;
import org.clkernel.api.heap.HeapReplayer;
import org.clkernel.api.heap.KernelHeap;
import org.clkernel.api.heap.KernelHeap.HeapChecks;
import org.clkernel.api.heap.PlacementStrategy;
import org.clkernel.heap.replay.HeapReplay;
import org.clkernel.heap.replay.RepTrace;
import org.clkernel.heap.replay.TraceFamilies;
import org.osgi.framework.Constants;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferenceScope;

/**
 * Trace replays on a {@link ScratchHeap}: each replay gets a fresh instance of its strategy (they
 * are prototype-scope services), given back when the replay ends. It needs no machine: the scratch
 * heap lives in Java arrays.
 */
@Component(service = HeapReplayer.class)
public final class ReplayService implements HeapReplayer {
    /** Checks off: the replay measures placement alone. */
    static final HeapChecks PLACEMENT_ONLY = new HeapChecks(true, false, 0, false);

    private final Map<String, Installed> strategies = new ConcurrentHashMap<>();

    private record Installed(ComponentServiceObjects<PlacementStrategy> objects, int ranking) {
    }

    @Reference(name = "strategy", service = PlacementStrategy.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, scope = ReferenceScope.PROTOTYPE)
    public void addStrategy(ComponentServiceObjects<PlacementStrategy> objects, Map<String, Object> properties) {
        Object name = properties.get(PlacementStrategy.NAME);
        Object ranking = properties.get(Constants.SERVICE_RANKING);
        if (name instanceof String n && !n.isBlank()) {
            strategies.put(n.trim(), new Installed(objects, ranking instanceof Integer r ? r : 0));
        }
    }

    public void removeStrategy(ComponentServiceObjects<PlacementStrategy> objects) {
        strategies.values().removeIf(i -> i.objects() == objects);
    }

    @Override
    public List<String> families() {
        return TraceFamilies.families();
    }

    @Override
    public int generate(String family, long seed, int operations, Path out) throws IOException {
        RepTrace trace = TraceFamilies.generate(family, seed, operations);
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.US_ASCII)) {
            trace.write(w);
        }
        return trace.operations();
    }

    @Override
    public HeapReplayReport replay(Path file, String strategy, boolean checks, int checkEvery, LongConsumer progress)
            throws IOException {
        if (checkEvery < 0) {
            throw new IllegalArgumentException("check every " + checkEvery + " operations: 0 or more");
        }
        RepTrace trace = RepTrace.read(file);
        String name = strategy == null || strategy.isBlank() ? bestRanked() : strategy.trim();
        Installed source = name.equals(KernelHeap.BUILTIN_STRATEGY) ? null : strategies.get(name);
        if (source == null && !name.equals(KernelHeap.BUILTIN_STRATEGY)) {
            throw new IllegalArgumentException("no placement strategy named '" + name + "' is installed");
        }
        PlacementStrategy s = source == null ? null : source.objects().getService();
        try {
            ScratchHeap heap = new ScratchHeap(s, HEAP_WINDOW_END - HEAP_WINDOW, checks ? HeapChecks.DEFAULTS : PLACEMENT_ONLY);
            HeapReplayReport report = new HeapReplay(heap, checkEvery, progress == null ? n -> { } : progress).run(trace);
            String failed = heap.strategyFailure();
            return failed == null || report.failure() != null ? report : report.withFailure(name + " failed and first fit took over: " + failed);
        } finally {
            if (s != null) {
                source.objects().ungetService(s);
            }
        }
    }

    /** The best-ranked installed strategy, or the built-in when none is. */
    private String bestRanked() {
        return strategies.entrySet().stream()
                .max(Comparator.comparingInt((Map.Entry<String, Installed> e) -> e.getValue().ranking())
                        .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
                .map(Map.Entry::getKey).orElse(KernelHeap.BUILTIN_STRATEGY);
    }
}
