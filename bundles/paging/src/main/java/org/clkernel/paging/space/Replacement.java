package org.clkernel.paging.space;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntToLongFunction;

import org.clkernel.api.paging.VirtualMemory;
import org.clkernel.api.replacement.PolicyHost;
import org.clkernel.api.replacement.ReplacementPolicy;
import org.clkernel.api.x86.Paging;
import org.clkernel.paging.space.SpaceTable.Counter;
import org.osgi.service.component.ComponentServiceObjects;

/**
 * The replacement policy of every user space: which installed policy serves, one instance of it
 * per space, and the moves from one to another.
 *
 * <p>The policy in use is the one {@link #use chosen} by name, else the {@link #configure
 * configured} one, else the best-ranked one installed, else {@link BuiltinFifo}. A space may have a
 * policy of its own ({@link #use(int, String)}), which serves it while that policy is installed and
 * has not failed; otherwise it uses the policy of the others. A policy that
 * throws (or names a victim that is not resident) is contained: it is marked failed, every space
 * moves to the built-in FIFO at once, and a line on the console says so; the failed service is
 * not taken again until it is registered anew. When the bound service leaves, the next choice
 * takes over.
 *
 * <p>A move re-seeds each space's new instance with admissions in the old instance's
 * {@link ReplacementPolicy#evictionOrder()}, first victim first, when that order is exactly the
 * resident set the page tables show; otherwise (it threw, lost or repeated a page) in page-table
 * order. The page tables are the truth: no resident page is lost or counted twice. Only the
 * service instances of a policy bundle are kept, never other objects of its classes.
 *
 * <p>What a policy sees: {@code admitted} when a fault fills or swaps in a page, {@code removed}
 * when a page is unmapped, {@code evict(faulting page)} when a frame is needed. A TLB hit is
 * invisible to the kernel, so {@code referenced} is never called; recency comes only from
 * {@link PolicyHost#testAndClearAccessed}, which reads and clears the PTE's A flag (with a
 * shootdown so that the next access sets it again). Clock is the natural fit; LRU-like policies
 * see only the order of faults here.
 *
 * <p>Callers hold the state's monitor.
 */
final class Replacement {
    record Source(String name, int ranking, ComponentServiceObjects<ReplacementPolicy> objects) {
    }

    static final Source BUILTIN = new Source(VirtualMemory.BUILTIN_POLICY, Integer.MIN_VALUE, null);

    private final PagingState s;
    private final IntToLongFunction quota;
    private final Map<ComponentServiceObjects<ReplacementPolicy>, Source> installed = new ConcurrentHashMap<>();
    private final Set<ComponentServiceObjects<ReplacementPolicy>> failed = ConcurrentHashMap.newKeySet();
    private final Map<Integer, Tracked> spaces = new HashMap<>();
    /** The spaces with a policy of their own: actor -> policy name. */
    private final Map<Integer, String> own = new HashMap<>();
    private String configured = "";
    private String chosen = "";
    private Source current = BUILTIN;
    private String lastProblem;

    /** One space's instance; it is also the space's {@link PolicyHost}. */
    private final class Tracked implements PolicyHost {
        final int actor;
        ReplacementPolicy policy;
        Source source;
        long limit;
        int resident;

        Tracked(int actor) {
            this.actor = actor;
        }

        @Override
        public boolean testAndClearAccessed(long page) {
            long va = page << Paging.PAGE_SHIFT;
            long at = s.tables.pteAddress(s.spaces.directory(actor), va);
            if (at < 0) {
                return false;
            }
            int old = s.tables.update(at, e -> Entries.present(e) ? e & ~Paging.A : e);
            boolean accessed = Entries.present(old) && (old & Paging.A) != 0;
            if (accessed) {
                s.spaces.count(actor, Counter.TLB_SHOOTDOWNS, s.shootdowns.page(actor, va));
            }
            return accessed;
        }

        @Override
        public boolean knowsFuture() {
            return false;
        }

        @Override
        public long nextUse(long page) {
            throw new UnsupportedOperationException("a running system does not know the future");
        }
    }

    Replacement(PagingState state, IntToLongFunction quota) {
        this.s = state;
        this.quota = quota;
    }

    // ---- which policy ----------------------------------------------------------------------------

    void add(ComponentServiceObjects<ReplacementPolicy> objects, String name, int ranking) {
        installed.put(objects, new Source(name, ranking, objects));
        reselect();
    }

    void remove(ComponentServiceObjects<ReplacementPolicy> objects) {
        installed.remove(objects);
        failed.remove(objects);
        if (current.objects() == objects) {
            report("policy " + current.name() + " left");
        }
        reselect();
    }

    void configure(String name) {
        configured = name == null ? "" : name.trim();
        reselect();
    }

    void use(String name) {
        String n = requireInstalled(name);
        chosen = n;
        installed.values().stream().filter(i -> i.name().equals(n)).forEach(i -> failed.remove(i.objects()));
        reselect();
    }

    /** Gives one space a policy of its own; null or empty: the policy of the others again. */
    void use(int actor, String name) {
        String n = requireInstalled(name);
        if (n.isEmpty()) {
            own.remove(actor);
        } else {
            own.put(actor, n);
            installed.values().stream().filter(i -> i.name().equals(n)).forEach(i -> failed.remove(i.objects()));
        }
        Tracked t = spaces.get(actor);
        if (t == null) {
            track(actor);
        } else if (t.source != sourceOf(actor)) {
            reseed(t);
        }
    }

    private String requireInstalled(String name) {
        String n = name == null ? "" : name.trim();
        if (!n.isEmpty() && !n.equals(BUILTIN.name()) && installed.values().stream().noneMatch(i -> i.name().equals(n))) {
            throw new IllegalArgumentException("no policy named '" + n + "' is installed (have: "
                    + String.join(", ", installedNames()) + ")");
        }
        return n;
    }

    String name() {
        return current.name();
    }

    /** The name of the policy serving one space now. */
    String name(int actor) {
        return track(actor).source.name();
    }

    /** The last containment or departure, for people to read; null if none happened. */
    String lastProblem() {
        return lastProblem;
    }

    private List<String> installedNames() {
        List<String> names = new ArrayList<>();
        for (Source i : ranked()) {
            names.add(i.name());
        }
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
        String wanted = chosen.isEmpty() ? configured : chosen;
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

    /** The policy a space should use: its own while installed and not failed, else the current one. */
    private Source sourceOf(int actor) {
        String wanted = own.get(actor);
        if (wanted != null) {
            if (wanted.equals(BUILTIN.name())) {
                return BUILTIN;
            }
            for (Source i : ranked()) {
                if (i.name().equals(wanted)) {
                    return i;
                }
            }
        }
        return current;
    }

    private void reselect() {
        Source next = select();
        boolean changed = next != current;
        current = next;
        for (Tracked t : new ArrayList<>(spaces.values())) {
            if ((changed && !own.containsKey(t.actor)) || t.source != sourceOf(t.actor)) {
                reseed(t); // a failure on the way sets current to the built-in for the rest
            }
        }
    }

    // ---- a space's instance ----------------------------------------------------------------------

    /** The limit in pages of a space (0: unlimited): the explicit one, else the frame quota. */
    long limit(int actor) {
        long explicit = s.spaces.residentLimit(actor);
        return explicit > 0 ? explicit : Math.max(0, quota.applyAsLong(actor));
    }

    int resident(int actor) {
        return track(actor).resident;
    }

    private Tracked track(int actor) {
        Tracked t = spaces.get(actor);
        if (t == null) {
            t = new Tracked(actor);
            spaces.put(actor, t);
            reseed(t);
        } else if (t.limit != limit(actor)) {
            reseed(t); // the capacity the instance was made with is stale
        }
        return t;
    }

    /** Moves a space to the current policy, seeded with its resident set. */
    private void reseed(Tracked t) {
        long[] pages = s.tables.pageable(s.spaces.directory(t.actor));
        long[] order = t.policy == null ? pages : orderOf(t, pages);
        release(t);
        t.resident = pages.length;
        t.limit = limit(t.actor);
        int capacity = (int) Math.min(Integer.MAX_VALUE,
                Math.max(1, Math.max(pages.length, t.limit > 0 ? t.limit : s.frames.spannedFrames())));
        Source src = sourceOf(t.actor);
        if (src != BUILTIN) {
            ReplacementPolicy p = null;
            try {
                p = src.objects().getService();
                if (p == null) {
                    throw new IllegalStateException("its service is gone");
                }
                p.init(capacity, t);
                for (long page : order) {
                    p.admitted(page);
                }
                t.policy = p;
                t.source = src;
                return;
            } catch (RuntimeException | LinkageError e) {
                if (p != null) {
                    unget(src, p);
                }
                failed(src, e);
                if (sourceOf(t.actor) != BUILTIN) {
                    reseed(t); // the space's own policy failed: the others' one, in page-table order
                    return;
                }
            }
        }
        BuiltinFifo fifo = new BuiltinFifo();
        fifo.init(capacity, t);
        for (long page : order) {
            fifo.admitted(page);
        }
        t.policy = fifo;
        t.source = BUILTIN;
    }

    /** The old instance's eviction order if it is exactly the resident set, else page-table order. */
    private long[] orderOf(Tracked t, long[] pages) {
        try {
            long[] order = t.policy.evictionOrder();
            if (order != null && order.length == pages.length) {
                long[] sorted = order.clone();
                Arrays.sort(sorted);
                if (Arrays.equals(sorted, pages)) {
                    return order.clone();
                }
            }
        } catch (RuntimeException | LinkageError e) {
            report("policy " + t.source.name() + " could not list its pages (" + e + "); seeded in page-table order");
        }
        return pages;
    }

    private void release(Tracked t) {
        if (t.policy != null && t.source != null && t.source != BUILTIN) {
            unget(t.source, t.policy);
        }
        t.policy = null;
        t.source = null;
    }

    private static void unget(Source src, ReplacementPolicy p) {
        try {
            src.objects().ungetService(p);
        } catch (RuntimeException e) {
            // the service is gone already: nothing is left to give back
        }
    }

    /** Contains a policy's failure: marks it, and moves every space on it to the built-in FIFO. */
    private void failed(Source src, Throwable e) {
        if (src == null || src == BUILTIN) {
            throw new IllegalStateException("the built-in policy failed", e);
        }
        failed.add(src.objects());
        report("policy " + src.name() + " failed (" + e + "); using " + BUILTIN.name());
        if (current == src) {
            current = BUILTIN;
        }
        for (Tracked t : new ArrayList<>(spaces.values())) {
            if (t.source == src) {
                reseed(t);
            }
        }
    }

    private void report(String line) {
        lastProblem = line;
        System.err.println("paging: " + line);
    }

    // ---- events ----------------------------------------------------------------------------------

    /** A page was filled or swapped in; its PTE is present already. */
    void admitted(int actor, long page) {
        Tracked t = spaces.get(actor);
        if (t == null) {
            track(actor); // seeded from the page tables, which hold the page already
            return;
        }
        t.resident++;
        Source src = t.source;
        try {
            t.policy.admitted(page);
        } catch (RuntimeException | LinkageError e) {
            failed(src, e); // the re-seed from the page tables includes the page
        }
    }

    /** A resident page was unmapped; its PTE is gone already. */
    void removed(int actor, long page) {
        Tracked t = spaces.get(actor);
        if (t == null) {
            return; // seeded from the page tables when first needed
        }
        t.resident--;
        Source src = t.source;
        try {
            t.policy.removed(page);
        } catch (RuntimeException | LinkageError e) {
            failed(src, e);
        }
    }

    /**
     * The policy's victim among the space's resident pages, which it forgets; the caller makes it
     * leave. Only when at least one page is resident.
     */
    long evict(int actor, long incoming) {
        Tracked t = track(actor);
        Source src = t.source;
        try {
            long victim = t.policy.evict(incoming);
            if (!resident(actor, victim)) {
                throw new IllegalStateException("it chose page " + victim + ", which is not resident");
            }
            t.resident--;
            return victim;
        } catch (RuntimeException | LinkageError e) {
            failed(src, e);
            long victim = t.policy.evict(incoming); // the built-in, seeded from the page tables
            t.resident--;
            return victim;
        }
    }

    private boolean resident(int actor, long page) {
        return page >= 0 && page < (org.clkernel.api.paging.KernelLayout.KERNEL_BASE >>> Paging.PAGE_SHIFT)
                && Entries.pageable(s.tables.pte(s.spaces.directory(actor), page << Paging.PAGE_SHIFT));
    }

    /** The space is destroyed: its instance goes back. */
    void forget(int actor) {
        own.remove(actor);
        Tracked t = spaces.remove(actor);
        if (t != null) {
            release(t);
        }
    }

    /** Every instance goes back: the paging component leaves. */
    void close() {
        for (Tracked t : spaces.values()) {
            release(t);
        }
        spaces.clear();
    }

    /** Whether every tracked space's count and instance agree with its page tables; the first that does not. */
    String check() {
        for (Tracked t : spaces.values()) {
            int pages = s.tables.pageable(s.spaces.directory(t.actor)).length;
            if (t.resident != pages) {
                return "space of actor " + t.actor + " counts " + t.resident + " resident pages, its page tables hold " + pages;
            }
            try {
                if (t.policy.resident() != pages) {
                    return "the " + t.source.name() + " instance of actor " + t.actor + " tracks " + t.policy.resident()
                            + " resident pages, the page tables hold " + pages;
                }
            } catch (RuntimeException | LinkageError e) {
                return "the " + t.source.name() + " instance of actor " + t.actor + " fails: " + e;
            }
        }
        return null;
    }
}
