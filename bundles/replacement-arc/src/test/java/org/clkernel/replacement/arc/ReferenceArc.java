package org.clkernel.replacement.arc;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * ARC written the slow, obvious way from Fig. 4 of Megiddo and Modha (FAST 2003): four lists
 * searched linearly (index 0 is the LRU end), one method per request that sees the requested page
 * before anything else, as the paper's pseudo-code does. It also models the two things the paper
 * does not have: a page removed by the host (forgotten), and free frames after removals (a miss
 * then takes a free frame instead of running REPLACE).
 *
 * <p>With {@code seesRequestFirst = false} it models a host that evicts before naming the page:
 * REPLACE runs with the target p as it was before the request, and the adaptation follows.
 */
final class ReferenceArc {
    static final long HIT = TestHost.HIT;
    static final long FREE = TestHost.FREE;

    private final int c;
    private final boolean seesRequestFirst;
    private final List<Long> t1 = new ArrayList<>();
    private final List<Long> t2 = new ArrayList<>();
    private final List<Long> b1 = new ArrayList<>();
    private final List<Long> b2 = new ArrayList<>();
    private double p;

    ReferenceArc(int c, boolean seesRequestFirst) {
        this.c = c;
        this.seesRequestFirst = seesRequestFirst;
    }

    /** Serves one request: the evicted page, {@link #HIT} or {@link #FREE}. */
    long request(long x) {
        if (t1.remove(x) || t2.remove(x)) {
            t2.add(x);
            return HIT;
        }
        boolean full = t1.size() + t2.size() == c;
        if (b1.contains(x) || b2.contains(x)) {
            boolean inB1 = b1.contains(x);
            double adapted = inB1
                    ? Math.min(p + (b1.size() >= b2.size() ? 1 : (double) b2.size() / b1.size()), c)
                    : Math.max(p - (b2.size() >= b1.size() ? 1 : (double) b1.size() / b2.size()), 0);
            long victim = FREE;
            if (full) {
                victim = seesRequestFirst ? replace(adapted, !inB1) : replace(p, false);
            }
            p = adapted;
            (inB1 ? b1 : b2).remove(x);
            t2.add(x);
            return victim;
        }
        long victim = FREE;
        if (t1.size() + b1.size() == c) {
            if (t1.size() < c) {
                b1.remove(0);
                if (full) {
                    victim = replace(p, false);
                }
            } else {
                victim = t1.remove(0);
            }
        } else {
            if (t1.size() + t2.size() + b1.size() + b2.size() == 2 * c) {
                b2.remove(0);
            }
            if (full) {
                victim = replace(p, false);
            }
        }
        t1.add(x);
        return victim;
    }

    private long replace(double target, boolean inB2) {
        if (!t1.isEmpty() && (t1.size() > target || (inB2 && t1.size() == target) || t2.isEmpty())) {
            long y = t1.remove(0);
            b1.add(y);
            return y;
        }
        long y = t2.remove(0);
        b2.add(y);
        return y;
    }

    /** The host removed a resident page. */
    void remove(long x) {
        if (!t1.remove(x) && !t2.remove(x)) {
            throw new AssertionError("page " + x + " is not resident");
        }
    }

    Set<Long> resident() {
        Set<Long> all = new HashSet<>(t1);
        all.addAll(t2);
        return all;
    }

    double target() {
        return p;
    }
}
