package org.clkernel.replacement.arc;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.clkernel.api.replacement.PolicyHost;
import org.clkernel.api.replacement.ReplacementPolicy;
import org.clkernel.replacement.support.PageList;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * ARC, the Adaptive Replacement Cache of N. Megiddo and D. S. Modha, "ARC: A Self-Tuning, Low
 * Overhead Replacement Cache", USENIX FAST 2003, Fig. 4. Resident pages seen once recently are in
 * T1, pages seen at least twice in T2; B1 and B2 remember the ids of pages evicted from T1 and T2.
 * A hit in B1 raises the target p for |T1| by delta1 = max(1, |B2|/|B1|) (at most to c), a hit in
 * B2 lowers it by delta2 = max(1, |B1|/|B2|) (at least to 0); REPLACE evicts the LRU page of T1
 * when |T1| exceeds p, or equals it on a hit in B2, else the LRU page of T2. p is a real number as
 * in the paper (the deltas are not rounded), so the tie |T1| = p arises only while p is whole.
 *
 * <p>Invariants (c = frames): |T1| + |T2| &lt;= c, |T1| + |B1| &lt;= c,
 * |T1| + |T2| + |B1| + |B2| &lt;= 2c, 0 &lt;= p &lt;= c.
 *
 * <p>{@link #evict(long) evict(x)} is the paper's miss for x up to REPLACE: when x is a ghost it
 * adapts p first (in B1 raising it, in B2 lowering it, breaking the tie |T1| = p towards T1), then
 * REPLACE moves the victim to the MRU end of B1 or B2. So the victims are the paper's for any host,
 * a replay or a running system, and no future is needed. {@code admitted(x)} settles the rest of
 * the case analysis on the state before REPLACE, which moved a page within L1 = T1 + B1 or within
 * L2 = T2 + B2, so |L1| and the total are unchanged; only the ghost list sizes used by the
 * adaptation are corrected for the victim. x in B1 or B2: adapt p, x goes to T2's MRU end. x new:
 * if |L1| = c the LRU ghost of B1 is dropped (when |T1| was c, B1 was empty and that ghost is the
 * victim itself, which the paper deletes outright), else if the total is 2c the LRU ghost of B2 is
 * dropped; x goes to T1's MRU end.
 *
 * <p>An eviction for no miss ({@link ReplacementPolicy#NO_PAGE}) runs REPLACE with the current p
 * and no tie-break; {@link #evictionOrder()} lists the victims of successive such evictions.
 */
@Component(service = ReplacementPolicy.class, scope = ServiceScope.PROTOTYPE,
        property = {ReplacementPolicy.NAME + "=arc", "service.ranking:Integer=50"})
public final class ArcPolicy implements ReplacementPolicy {
    /** LRU lists, least recently used (oldest) first. */
    private final PageList<Page> t1 = new PageList<>("T1");
    private final PageList<Page> t2 = new PageList<>("T2");
    private final PageList<Page> b1 = new PageList<>("B1");
    private final PageList<Page> b2 = new PageList<>("B2");
    private final List<PageList<Page>> lists = List.of(t1, t2, b1, b2);
    private final Map<Long, Page> pages = new HashMap<>();
    private int c;
    /** The target size of T1: a real number, as the adaptation steps |B2|/|B1| and |B1|/|B2| are. */
    private double p;
    /** The ghost list that the last evict put its victim in, until the next call settles it. */
    private PageList<Page> victimGhosts;

    @Override
    public void init(int frames, PolicyHost host) {
        if (frames < 1) {
            throw new IllegalArgumentException("ARC needs at least 1 frame, not " + frames);
        }
        lists.forEach(PageList::clear);
        pages.clear();
        c = frames;
        p = 0;
        victimGhosts = null;
    }

    @Override
    public void referenced(long id) {
        victimGhosts = null;
        Page page = residentPage(id);
        if (page.list() == t1) {
            t1.remove(page);
            t2.addNewest(page);
        } else {
            t2.moveToNewest(page);
        }
    }

    @Override
    public long evict(long incoming) {
        if (t1.isEmpty() && t2.isEmpty()) {
            throw new IllegalStateException("ARC has no resident page to evict");
        }
        Page x = incoming == NO_PAGE ? null : pages.get(incoming);
        if (x != null && !(x.list() == b1 || x.list() == b2)) {
            throw new IllegalStateException("page " + incoming + " is resident in " + x.list().name() + ", so no miss is for it");
        }
        double target = x == null ? p : x.list() == b1 ? raised(b1.size(), b2.size()) : lowered(b1.size(), b2.size());
        PageList<Page> from = replaceFrom(t1.size(), t2.size(), target, x != null && x.list() == b2);
        Page victim = from.oldest();
        from.remove(victim);
        victimGhosts = from == t1 ? b1 : b2;
        victimGhosts.addNewest(victim);
        return victim.id();
    }

    @Override
    public void admitted(long id) {
        PageList<Page> settled = victimGhosts;
        victimGhosts = null;
        Page page = pages.get(id);
        if (page != null) {
            if (resident(page)) {
                throw new IllegalStateException("page " + id + " admitted while resident in " + page.list().name());
            }
            int ghosts1 = b1.size() - (settled == b1 ? 1 : 0);
            int ghosts2 = b2.size() - (settled == b2 ? 1 : 0);
            PageList<Page> ghosts = page.list() == b1 ? b1 : b2;
            p = ghosts == b1 ? raised(ghosts1, ghosts2) : lowered(ghosts1, ghosts2);
            ghosts.remove(page);
            t2.addNewest(page);
            return;
        }
        if (t1.size() + b1.size() >= c) {
            if (!b1.isEmpty()) {
                dropGhost(b1);
            }
        } else if (t1.size() + t2.size() + b1.size() + b2.size() >= 2 * c && !b2.isEmpty()) {
            dropGhost(b2);
        }
        page = new Page(id);
        pages.put(id, page);
        t1.addNewest(page);
    }

    @Override
    public void removed(long id) {
        victimGhosts = null;
        Page page = residentPage(id);
        (page.list() == t1 ? t1 : t2).remove(page);
        pages.remove(id);
    }

    @Override
    public int resident() {
        return t1.size() + t2.size();
    }

    @Override
    public long[] evictionOrder() {
        // REPLACE with a fixed p takes T1's LRU pages while |T1| > p, then all of T2, then the
        // rest of T1 (once T2 is empty).
        int n1 = t1.size();
        int n2 = t2.size();
        long[] first = new long[n1];
        t1.copyIds(0, n1, first, 0);
        int before = n2 == 0 ? n1 : n1 > p ? n1 - (int) Math.floor(p) : 0;
        long[] order = new long[n1 + n2];
        System.arraycopy(first, 0, order, 0, before);
        t2.copyIds(0, n2, order, before);
        System.arraycopy(first, before, order, before + n2, n1 - before);
        return order;
    }

    /** The paper's REPLACE choice for list sizes |T1| = n1, |T2| = n2 (at least one resident). */
    private PageList<Page> replaceFrom(int n1, int n2, double target, boolean hitInB2) {
        if (n1 > 0 && (n1 > target || (hitInB2 && n1 == target) || n2 == 0)) {
            return t1;
        }
        return t2;
    }

    /** p after a hit in B1: delta1 = 1 if |B1| &gt;= |B2|, else |B2| / |B1|. */
    private double raised(int ghosts1, int ghosts2) {
        return Math.min(p + (ghosts1 >= ghosts2 ? 1 : (double) ghosts2 / ghosts1), c);
    }

    /** p after a hit in B2: delta2 = 1 if |B2| &gt;= |B1|, else |B1| / |B2|. */
    private double lowered(int ghosts1, int ghosts2) {
        return Math.max(p - (ghosts2 >= ghosts1 ? 1 : (double) ghosts1 / ghosts2), 0);
    }

    private Page residentPage(long id) {
        Page page = pages.get(id);
        if (page == null || !resident(page)) {
            throw new IllegalStateException("page " + id + " is not resident");
        }
        return page;
    }

    private boolean resident(Page page) {
        return page.list() == t1 || page.list() == t2;
    }

    /** Forgets the LRU ghost of B1 or B2. */
    private void dropGhost(PageList<Page> ghosts) {
        Page ghost = ghosts.oldest();
        ghosts.remove(ghost);
        pages.remove(ghost.id());
    }

    /** The target size p of T1. */
    double target() {
        return p;
    }

    /** "T1", "T2", "B1", "B2", or null for a page ARC does not know. */
    String listOf(long id) {
        Page page = pages.get(id);
        return page == null ? null : page.list().name();
    }

    /** Size of the list named "T1", "T2", "B1" or "B2". */
    int sizeOf(String list) {
        for (PageList<Page> l : lists) {
            if (l.name().equals(list)) {
                return l.size();
            }
        }
        throw new IllegalArgumentException("no list " + list);
    }

    /**
     * Checks every list and ARC's bounds. Returns null when all hold, otherwise a sentence naming
     * the first broken list, page or bound.
     */
    public String check() {
        for (PageList<Page> list : lists) {
            String broken = list.check();
            if (broken != null) {
                return broken;
            }
        }
        int n1 = t1.size();
        int n2 = t2.size();
        int g1 = b1.size();
        int g2 = b2.size();
        if (n1 + n2 > c) {
            return "|T1| + |T2| = " + (n1 + n2) + " exceeds c = " + c;
        }
        if (n1 + g1 > c) {
            return "|T1| + |B1| = " + (n1 + g1) + " exceeds c = " + c;
        }
        if (n1 + n2 + g1 + g2 > 2 * c) {
            return "|T1| + |T2| + |B1| + |B2| = " + (n1 + n2 + g1 + g2) + " exceeds 2c = " + 2 * c;
        }
        if (p < 0 || p > c) {
            return "target p = " + p + " is outside [0, " + c + "]";
        }
        if (pages.size() != n1 + n2 + g1 + g2) {
            return pages.size() + " pages indexed, " + (n1 + n2 + g1 + g2) + " listed";
        }
        for (Map.Entry<Long, Page> e : pages.entrySet()) {
            if (e.getValue().id() != e.getKey() || e.getValue().list() == null) {
                return "page " + e.getKey() + " is indexed but in no list";
            }
        }
        return null;
    }
}
