package org.clkernel.replacement.arc;

import java.util.ArrayList;
import java.util.List;

import org.clkernel.replacement.support.Lockstep;
import org.clkernel.replacement.support.TestHost;

/**
 * ARC written the slow, obvious way from Fig. 4 of Megiddo and Modha (FAST 2003): four lists
 * searched linearly (index 0 is the LRU end), one method per request that sees the requested page
 * before anything else, as the paper's pseudo-code does. It also models the two things the paper
 * does not have: a page removed by the host (forgotten), and free frames after removals (a miss
 * then takes a free frame instead of running REPLACE).
 */
final class ReferenceArc implements Lockstep.Model {
    static final long HIT = TestHost.HIT;
    static final long FREE = TestHost.NO_EVICTION;

    private final int c;
    private final List<Long> t1 = new ArrayList<>();
    private final List<Long> t2 = new ArrayList<>();
    private final List<Long> b1 = new ArrayList<>();
    private final List<Long> b2 = new ArrayList<>();
    private double p;

    ReferenceArc(int c) {
        this.c = c;
    }

    /** Serves one request: the evicted page, {@link #HIT} or {@link #FREE}. */
    @Override
    public long reference(int position, long x) {
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
                victim = replace(adapted, !inB1);
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
    @Override
    public void remove(long x) {
        if (!t1.remove(x) && !t2.remove(x)) {
            throw new AssertionError("page " + x + " is not resident");
        }
    }


    /** The victims of REPLACE run again and again with the target p as it is, for no request. */
    @Override
    public List<Long> order(int position) {
        List<Long> lru1 = new ArrayList<>(t1);
        List<Long> lru2 = new ArrayList<>(t2);
        List<Long> order = new ArrayList<>();
        while (!lru1.isEmpty() || !lru2.isEmpty()) {
            order.add(!lru1.isEmpty() && (lru1.size() > p || lru2.isEmpty()) ? lru1.remove(0) : lru2.remove(0));
        }
        return order;
    }

    double target() {
        return p;
    }
}
