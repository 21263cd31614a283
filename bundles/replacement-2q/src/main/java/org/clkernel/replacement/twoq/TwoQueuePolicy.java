package org.clkernel.replacement.twoq;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.clkernel.api.replacement.PolicyHost;
import org.clkernel.api.replacement.ReplacementPolicy;
import org.clkernel.replacement.support.PageList;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * Full 2Q, after T. Johnson and D. Shasha, "2Q: A Low Overhead High Performance Buffer Management
 * Replacement Algorithm", VLDB 1994, section 2.2 (the "full version"). A page seen once waits in
 * the FIFO A1in; when it leaves A1in its identifier goes to the FIFO A1out; a page referenced
 * while in A1out is hot and goes to the LRU queue Am. References to a page in A1in change nothing
 * (correlated references). Kin = frames / 4 and Kout = frames / 2, rounded down, the paper's
 * recommended 25% and 50%.
 *
 * <p>reclaimfor: the victim is the oldest page of A1in when |A1in| &gt; Kin (or Am is empty), its
 * identifier going to A1out; otherwise the LRU page of Am, which is forgotten.
 *
 * <p>Invariants: every page is on exactly one queue; |A1out| &lt;= Kout except between an
 * {@link #evict} and the next call, which trims it. A1out is trimmed after the admitted page is
 * looked up, so a page whose identifier is the oldest in A1out is still found there when its miss
 * evicts: the paper tests "X in A1out" before reclaimfor(X). Its identifier then leaves A1out
 * (the page is in Am), and only then is A1out cut back to Kout, as libCacheSim does.
 *
 * <p>{@link #evictionOrder()} lists the victims of successive {@link #evict} calls, whatever page
 * they name: A1in's oldest while it exceeds Kin, then Am from the LRU end, then the rest of A1in.
 */
@Component(service = ReplacementPolicy.class, scope = ServiceScope.PROTOTYPE,
        property = {ReplacementPolicy.NAME + "=2q", "service.ranking:Integer=40"})
public final class TwoQueuePolicy implements ReplacementPolicy {
    /** FIFO, oldest first. */
    private final PageList<Page> a1in = new PageList<>("A1in");
    /** FIFO of identifiers, oldest first. */
    private final PageList<Page> a1out = new PageList<>("A1out");
    /** LRU, least recently used first. */
    private final PageList<Page> am = new PageList<>("Am");
    private final Map<Long, Page> pages = new HashMap<>();
    private int frames;
    private int kin;
    private int kout;

    @Override
    public void init(int frames, PolicyHost host) {
        if (frames < 1) {
            throw new IllegalArgumentException("2Q needs at least 1 frame, not " + frames);
        }
        a1in.clear();
        a1out.clear();
        am.clear();
        pages.clear();
        this.frames = frames;
        kin = frames / 4;
        kout = frames / 2;
    }

    @Override
    public void referenced(long id) {
        trimA1out();
        Page page = residentPage(id);
        if (page.list() == am) {
            am.moveToNewest(page);
        }
    }

    @Override
    public long evict(long incoming) {
        trimA1out();
        if (a1in.size() > kin || am.isEmpty()) {
            Page victim = a1in.oldest();
            if (victim == null) {
                throw new IllegalStateException("2Q has no resident page to evict");
            }
            a1in.remove(victim);
            if (kout > 0) {
                a1out.addNewest(victim);
            } else {
                pages.remove(victim.id());
            }
            return victim.id();
        }
        Page victim = am.oldest();
        am.remove(victim);
        pages.remove(victim.id());
        return victim.id();
    }

    @Override
    public void admitted(long id) {
        Page page = pages.get(id);
        if (page == null) {
            page = new Page(id);
            pages.put(id, page);
            a1in.addNewest(page);
        } else if (page.list() == a1out) {
            a1out.remove(page);
            am.addNewest(page);
        } else {
            throw new IllegalStateException("page " + id + " admitted while resident in " + page.list().name());
        }
        trimA1out();
    }

    @Override
    public void removed(long id) {
        trimA1out();
        Page page = residentPage(id);
        (page.list() == am ? am : a1in).remove(page);
        pages.remove(id);
    }

    @Override
    public int resident() {
        return a1in.size() + am.size();
    }

    @Override
    public long[] evictionOrder() {
        int in = a1in.size();
        int hot = am.size();
        int first = hot == 0 ? in : Math.max(0, in - kin);
        long[] order = new long[in + hot];
        a1in.copyIds(0, first, order, 0);
        am.copyIds(0, hot, order, first);
        a1in.copyIds(first, in - first, order, first + hot);
        return order;
    }

    private void trimA1out() {
        while (a1out.size() > kout) {
            Page oldest = a1out.oldest();
            a1out.remove(oldest);
            pages.remove(oldest.id());
        }
    }

    private Page residentPage(long id) {
        Page page = pages.get(id);
        if (page == null || !(page.list() == a1in || page.list() == am)) {
            throw new IllegalStateException("page " + id + " is not resident");
        }
        return page;
    }

    /** "A1in", "A1out", "Am", or null for a page 2Q does not know. */
    String queueOf(long id) {
        Page page = pages.get(id);
        return page == null ? null : page.list().name();
    }

    int kin() {
        return kin;
    }

    int kout() {
        return kout;
    }

    /**
     * Checks the queues and 2Q's bounds. Returns null when all hold, otherwise a sentence naming
     * the first broken queue, page or bound.
     */
    public String check() {
        for (PageList<Page> q : List.of(a1in, a1out, am)) {
            String broken = q.check();
            if (broken != null) {
                return broken;
            }
        }
        if (a1in.size() + am.size() > frames) {
            return "|A1in| + |Am| = " + (a1in.size() + am.size()) + " exceeds " + frames + " frames";
        }
        if (a1out.size() > kout + 1) {
            return "|A1out| = " + a1out.size() + " exceeds Kout = " + kout + " by more than the last victim";
        }
        if (pages.size() != a1in.size() + a1out.size() + am.size()) {
            return pages.size() + " pages indexed, " + (a1in.size() + a1out.size() + am.size()) + " queued";
        }
        for (Map.Entry<Long, Page> e : pages.entrySet()) {
            if (e.getValue().id() != e.getKey() || e.getValue().list() == null) {
                return "page " + e.getKey() + " is indexed but on no queue";
            }
        }
        return null;
    }
}
