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
import org.clkernel.api.heap.HeapView;
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
 * <p>A swap, after K42's: the new strategy builds its index from a snapshot of the free blocks
 * while calls go on with the old one, and the heap logs every change from the snapshot on; then
 * the {@link SwapGate} closes (no new call is admitted, the call in flight finishes), the new one
 * hears of the logged changes and serves, and calls resume; the old index is dropped after. The
 * pause is the catching up, not the rebuild; the times are kept in {@link #lastSwap()}. Only the service object of a strategy bundle
 * is held, from {@code getService} to {@code ungetService}, never other objects of its classes.
 *
 * <p>{@code current} and {@code instance} change only under the heap's monitor.
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
    /** Rounds of catching up outside the pause, and the changes left for the pause that end them. */
    static final int CATCH_UP_ROUNDS = 8;
    static final int CATCH_UP_LEFT = 256;
    /** Held for the whole of a swap: one at a time. */
    private final Object swaps = new Object();
    /** Swaps in the next choice after a strategy failed inside a call, where no swap can wait. */
    private final ExecutorService rebinder = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "heap strategy rebinder");
        t.setDaemon(true);
        return t;
    });
    /** Changed under the heap's monitor; volatile so that a swap can see them before it closes the gate. */
    private volatile Source current = BUILTIN;
    private volatile PlacementStrategy instance;

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

    /**
     * Swaps to the strategy that should serve, if it is not the one serving. The new strategy
     * builds its index from a snapshot of the free blocks while calls go on with the old one; then
     * the gate closes, it hears of the changes since the snapshot, and it serves. Calls are held off
     * only for that catching up, however many free blocks there are. One swap at a time.
     */
    private void reselect(String reason) {
        if (closed) {
            return;
        }
        if (gate.inCall()) {
            throw new IllegalStateException("the placement strategy cannot change from inside a heap call");
        }
        synchronized (swaps) {
            String from = current.name();
            String why = reason;
            long rebuild = 0;
            long quiesce = 0;
            long pause = 0;
            boolean swapped = false;
            Source next;
            while (!closed && (next = select()) != current) {
                swapped = true;
                long start = System.nanoTime();
                Prepared ready = prepare(next);
                rebuild += System.nanoTime() - start;
                if (ready.problem() == null) {
                    String[] problem = {null};
                    PlacementStrategy[] old = {null};
                    Source[] oldSource = {null};
                    SwapGate.Pause p = gate.closed(() -> {
                        oldSource[0] = current;
                        old[0] = instance;
                        problem[0] = install(ready);
                    });
                    quiesce += p.quiesceNanos();
                    pause += p.pauseNanos();
                    if (old[0] != null && old[0] != instance) {
                        // the old one drops its index and goes back once calls run again
                        HeapBlocks.detachQuietly(old[0]);
                        unget(oldSource[0], old[0]);
                    }
                    if (problem[0] == null) {
                        break;
                    }
                    why = problem[0];
                } else {
                    why = ready.problem(); // a failed one is not selected again: the loop goes on
                }
            }
            if (swapped) {
                synchronized (heap) {
                    last = new StrategySwap(from, current.name(), why, quiesce, rebuild, pause, blocks.freeMap().count());
                }
            }
        }
    }

    /** A strategy with its index built from a snapshot, or why it could not build one. */
    private record Prepared(Source source, PlacementStrategy fresh, String problem) {
    }

    /** Gets the strategy's service and has it build its index from a snapshot, outside the gate. */
    private Prepared prepare(Source next) {
        if (next == BUILTIN) {
            return new Prepared(next, null, null);
        }
        PlacementStrategy fresh = null;
        try {
            fresh = next.objects().getService();
            if (fresh == null) {
                throw new IllegalStateException("its service is gone");
            }
            HeapView snapshot;
            synchronized (heap) {
                snapshot = blocks.snapshot();
            }
            fresh.attach(snapshot);
            catchUp(fresh);
            return new Prepared(next, fresh, null);
        } catch (RuntimeException | LinkageError e) {
            synchronized (heap) {
                blocks.dropLog();
            }
            return new Prepared(next, null, failedToAttach(next, fresh, e));
        }
    }

    /**
     * Applies the changes logged since the snapshot in rounds while calls go on, as live migration
     * copies pages before it stops a machine, until few are left for the pause (or the calls change
     * the heap faster than the strategy catches up).
     */
    private void catchUp(PlacementStrategy fresh) {
        for (int round = 0; round < CATCH_UP_ROUNDS; round++) {
            long[] batch;
            synchronized (heap) {
                if (blocks.pendingChanges() <= CATCH_UP_LEFT) {
                    return;
                }
                batch = blocks.drainLog();
            }
            HeapBlocks.apply(fresh, batch, batch.length);
        }
    }

    private String failedToAttach(Source next, PlacementStrategy fresh, Throwable e) {
        failed.add(next.objects());
        String problem = next.name() + " failed to attach (" + e + ")";
        report(problem);
        if (fresh != null) {
            unget(next, fresh);
        }
        return problem;
    }

    /**
     * With the gate closed: the prepared strategy catches up and serves (or first fit, for the
     * built-in). @return null, or why it failed, in which case first fit serves
     */
    private String install(Prepared ready) {
        if (closed) {
            blocks.dropLog();
            if (ready.fresh() != null) {
                unget(ready.source(), ready.fresh());
            }
            return null;
        }
        if (ready.fresh() == null) {
            blocks.useBuiltin();
            current = BUILTIN;
            instance = null;
            return null;
        }
        try {
            blocks.adopt(ready.fresh());
        } catch (RuntimeException | LinkageError e) {
            String problem = failedToAttach(ready.source(), ready.fresh(), e);
            blocks.useBuiltin();
            current = BUILTIN;
            instance = null;
            return problem;
        }
        current = ready.source();
        instance = ready.fresh();
        return null;
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
            String after = src.name() + " failed (" + e.getMessage() + ")";
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
