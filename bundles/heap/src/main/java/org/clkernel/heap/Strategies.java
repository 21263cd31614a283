package org.clkernel.heap;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.clkernel.api.heap.KernelHeap;
import org.clkernel.api.heap.KernelHeap.StrategySwap;
import org.clkernel.api.heap.PlacementStrategy;
import org.osgi.service.component.ComponentServiceObjects;

/**
 * Which placement strategy serves the heap, and the hot swaps from one to another.
 *
 * <p>The strategy serving is the one {@link #use chosen} by name, else the best-ranked one
 * installed, else the built-in first fit. A strategy that fails (throws, or answers a block that is
 * not a free one large enough) is contained by {@link HeapBlocks}: first fit takes over inside the
 * failing call, and the failed service is not taken again until it is registered anew or chosen
 * again; the next choice takes over from first fit by a swap of its own right after the call. When
 * the serving one leaves, the next choice takes over.
 *
 * <p>A swap closes the {@link SwapGate}: no new call is admitted, the calls in flight finish, the
 * old index is detached, the new one attached (it rebuilds by walking the free blocks), and calls
 * resume; the times are kept in {@link #lastSwap()}. Only the service object of a strategy bundle
 * is held, from {@code getService} to {@code ungetService}, never other objects of its classes.
 *
 * <p>{@code current} and {@code instance} are guarded by the heap's monitor.
 */
final class Strategies {
    record Source(String name, int ranking, ComponentServiceObjects<PlacementStrategy> objects) {
    }

    static final Source BUILTIN = new Source(KernelHeap.BUILTIN_STRATEGY, Integer.MIN_VALUE, null);

    private final HeapBlocks blocks;
    private final SwapGate gate;
    private final Object heap;
    private final Map<ComponentServiceObjects<PlacementStrategy>, Source> installed = new ConcurrentHashMap<>();
    private final Set<ComponentServiceObjects<PlacementStrategy>> failed = ConcurrentHashMap.newKeySet();
    private volatile String chosen = "";
    private volatile StrategySwap last;
    /** Set when the heap component leaves: the unbinds that follow swap nothing in. */
    private volatile boolean closed;
    /** Swaps in the next choice after a strategy failed inside a call, where no swap can wait. */
    private final ExecutorService rebinder = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "heap strategy rebinder");
        t.setDaemon(true);
        return t;
    });
    private Source current = BUILTIN;
    private PlacementStrategy instance;

    Strategies(HeapBlocks blocks, SwapGate gate, Object heap) {
        this.blocks = blocks;
        this.gate = gate;
        this.heap = heap;
        blocks.onFailure(this::contained);
    }

    void add(ComponentServiceObjects<PlacementStrategy> objects, String name, int ranking) {
        installed.put(objects, new Source(name, ranking, objects));
        reselect(name + " installed");
    }

    void remove(ComponentServiceObjects<PlacementStrategy> objects) {
        Source gone = installed.remove(objects);
        failed.remove(objects);
        reselect((gone == null ? "a strategy" : gone.name()) + " left");
    }

    void use(String name) {
        String n = name == null ? "" : name.trim();
        if (!n.isEmpty() && !n.equals(BUILTIN.name()) && installed.values().stream().noneMatch(i -> i.name().equals(n))) {
            throw new IllegalArgumentException("no placement strategy named '" + n + "' is installed (have: "
                    + String.join(", ", names()) + ")");
        }
        chosen = n;
        installed.values().stream().filter(i -> i.name().equals(n)).forEach(i -> failed.remove(i.objects()));
        reselect(n.isEmpty() ? "best-ranked chosen" : n + " chosen");
    }

    /**
     * The configured target: like {@link #use} but without asking that it be installed now; the
     * heap takes it when it comes.
     */
    void target(String name) {
        String n = name == null ? "" : name.trim();
        if (n.equals(chosen)) {
            return;
        }
        chosen = n;
        installed.values().stream().filter(i -> i.name().equals(n)).forEach(i -> failed.remove(i.objects()));
        reselect(n.isEmpty() ? "best-ranked configured" : n + " configured");
    }

    /** The names of the strategies that can be chosen, the best-ranked first, the built-in last. */
    List<String> available() {
        return names();
    }

    String name() {
        synchronized (heap) {
            return current.name();
        }
    }

    StrategySwap lastSwap() {
        return last;
    }

    /** Every strategy goes back and first fit serves: the heap component leaves. */
    void close() {
        closed = true;
        rebinder.shutdownNow();
        synchronized (heap) {
            blocks.useBuiltin();
            release();
        }
    }

    private List<String> names() {
        List<String> names = new ArrayList<>();
        ranked().forEach(i -> names.add(i.name()));
        names.add(BUILTIN.name());
        return names;
    }

    private List<Source> ranked() {
        List<Source> all = new ArrayList<>(installed.values());
        all.removeIf(i -> failed.contains(i.objects()));
        all.sort(Comparator.comparingInt(Source::ranking).reversed().thenComparing(Source::name));
        return all;
    }

    private Source select() {
        String wanted = chosen;
        if (wanted.equals(BUILTIN.name())) {
            return BUILTIN;
        }
        List<Source> ranked = ranked();
        for (Source i : ranked) {
            if (i.name().equals(wanted)) {
                return i;
            }
        }
        return ranked.isEmpty() ? BUILTIN : ranked.get(0);
    }

    /** Swaps to the strategy that should serve, if it is not the one serving; with the gate closed. */
    private void reselect(String reason) {
        if (closed) {
            return;
        }
        if (gate.inCall()) {
            throw new IllegalStateException("the placement strategy cannot change from inside a heap call");
        }
        String[] from = {null};
        String[] why = {reason};
        long[] rebuild = {0};
        boolean[] swapped = {false};
        SwapGate.Pause pause = gate.closed(() -> {
            from[0] = current.name();
            Source next;
            while ((next = select()) != current) {
                long start = System.nanoTime();
                swapped[0] = true;
                String problem = switchTo(next);
                rebuild[0] += System.nanoTime() - start;
                if (problem == null) {
                    break;
                }
                why[0] = problem; // a failed one is not selected again: the loop ends
            }
        });
        synchronized (heap) {
            if (swapped[0]) {
                last = new StrategySwap(from[0], current.name(), why[0], pause.quiesceNanos(), rebuild[0],
                        pause.pauseNanos(), blocks.freeMap().count());
            }
        }
    }

    /** Detaches the serving strategy and attaches {@code next}. @return null, or why {@code next} failed */
    private String switchTo(Source next) {
        PlacementStrategy old = instance;
        Source oldSource = current;
        String problem = null;
        PlacementStrategy fresh = null;
        if (next == BUILTIN) {
            blocks.useBuiltin();
        } else {
            try {
                fresh = next.objects().getService();
                if (fresh == null) {
                    throw new IllegalStateException("its service is gone");
                }
                blocks.use(fresh);
            } catch (RuntimeException | LinkageError e) {
                failed.add(next.objects());
                problem = next.name() + " failed to attach (" + e + ")";
                report(problem);
                if (fresh != null) {
                    unget(next, fresh);
                }
                fresh = null;
                next = BUILTIN;
                blocks.useBuiltin();
            }
        }
        current = next;
        instance = fresh;
        if (old != null) {
            unget(oldSource, old);
        }
        return problem;
    }

    /** HeapBlocks put first fit in place of a strategy that failed, inside a call. */
    private void contained(PlacementStrategy bad, Throwable e, long rebuildNanos) {
        Source src = current;
        if (bad != instance || src == BUILTIN) {
            return;
        }
        failed.add(src.objects());
        release();
        String why = src.name() + " failed (" + e.getMessage() + "); using " + BUILTIN.name();
        report(why);
        // the failing call was the only one in flight: nothing to wait for
        last = new StrategySwap(src.name(), BUILTIN.name(), why, 0, rebuildNanos, rebuildNanos, blocks.freeMap().count());
        if (select() != BUILTIN) {
            // the next best-ranked takes over greedily, as a swap of its own once this call is over
            String after = src.name() + " failed";
            rebinder.execute(() -> reselect(after));
        }
    }

    private void release() {
        if (instance != null) {
            unget(current, instance);
        }
        instance = null;
        current = BUILTIN;
    }

    private static void unget(Source src, PlacementStrategy s) {
        try {
            src.objects().ungetService(s);
        } catch (RuntimeException e) {
            // the service is gone already: nothing is left to give back
        }
    }

    private static void report(String line) {
        System.err.println("heap: " + line);
    }
}
