package org.clkernel.replacement.twoq;

import java.util.ArrayList;
import java.util.List;

import org.clkernel.replacement.support.Lockstep;
import org.clkernel.replacement.support.TestHost;

/**
 * Full 2Q written the slow, obvious way from section 2.2 of Johnson and Shasha (VLDB 1994): three
 * lists searched linearly (index 0 is the tail, the oldest), one method per request that sees the
 * requested page first, as the paper's pseudo-code does. Kin = frames / 4, Kout = frames / 2. A
 * page found in A1out leaves it before reclaimfor runs; a page removed by the host is forgotten; a
 * miss with a free frame reclaims nothing.
 */
final class ReferenceTwoQueue implements Lockstep.Model {
    static final long HIT = TestHost.HIT;
    static final long FREE = TestHost.NO_EVICTION;

    private final int frames;
    private final int kin;
    private final int kout;
    private final List<Long> a1in = new ArrayList<>();
    private final List<Long> a1out = new ArrayList<>();
    private final List<Long> am = new ArrayList<>();

    ReferenceTwoQueue(int frames) {
        this.frames = frames;
        this.kin = frames / 4;
        this.kout = frames / 2;
    }

    @Override
    public long reference(int position, long x) {
        if (am.remove(x)) {
            am.add(x);
            return HIT;
        }
        if (a1in.contains(x)) {
            return HIT;
        }
        boolean hot = a1out.remove(x);
        long victim = a1in.size() + am.size() == frames ? reclaim() : FREE;
        (hot ? am : a1in).add(x);
        return victim;
    }

    private long reclaim() {
        if (a1in.size() > kin || am.isEmpty()) {
            long y = a1in.remove(0);
            a1out.add(y);
            if (a1out.size() > kout) {
                a1out.remove(0);
            }
            return y;
        }
        return am.remove(0);
    }

    @Override
    public void remove(long x) {
        if (!a1in.remove(x) && !am.remove(x)) {
            throw new AssertionError("page " + x + " is not resident");
        }
    }


    /** The victims of successive reclaims with nothing admitted in between. */
    @Override
    public List<Long> order(int position) {
        List<Long> in = new ArrayList<>(a1in);
        List<Long> hot = new ArrayList<>(am);
        List<Long> order = new ArrayList<>();
        while (!in.isEmpty() || !hot.isEmpty()) {
            order.add(in.size() > kin || hot.isEmpty() ? in.remove(0) : hot.remove(0));
        }
        return order;
    }
}
