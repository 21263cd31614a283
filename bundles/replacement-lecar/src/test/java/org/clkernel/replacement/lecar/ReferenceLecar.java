package org.clkernel.replacement.lecar;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.clkernel.replacement.support.Lockstep;
import org.clkernel.replacement.support.TestHost;

/**
 * LeCaR written plainly: the resident pages in a list, least recently used first, with their
 * reference counts and last use in maps; each expert's victim found by a linear search; the
 * histories as lists of (page, eviction time), oldest first. The same draws as the policy: the
 * k-th eviction compares the first double of a SplittableRandom seeded with seed + k with w_LRU.
 */
final class ReferenceLecar implements Lockstep.Model {
    private final int frames;
    private final long seed;
    private final double discount;
    private final List<Long> recency = new ArrayList<>();
    private final Map<Long, Long> count = new HashMap<>();
    private final Map<Long, Long> last = new HashMap<>();
    private final List<long[]> lruHistory = new ArrayList<>();
    private final List<long[]> lfuHistory = new ArrayList<>();
    private double wLru = 0.5;
    private double wLfu = 0.5;
    private long time;
    private long evictions;

    ReferenceLecar(int frames, long seed) {
        this.frames = frames;
        this.seed = seed;
        this.discount = Math.pow(0.005, 1.0 / frames);
    }

    @Override
    public long reference(int position, long page) {
        if (recency.contains(page)) {
            recency.remove(page);
            recency.add(page);
            count.merge(page, 1L, Long::sum);
            last.put(page, time++);
            return TestHost.HIT;
        }
        regret(page);
        long victim = TestHost.NO_EVICTION;
        if (recency.size() == frames) {
            boolean useLru = lruDraw(evictions++);
            victim = useLru ? recency.get(0) : leastFrequent(recency);
            drop(victim);
            List<long[]> history = useLru ? lruHistory : lfuHistory;
            history.add(new long[] {victim, time});
            if (history.size() > frames) {
                history.remove(0);
            }
        }
        recency.add(page);
        count.put(page, 1L);
        last.put(page, time++);
        return victim;
    }

    private void regret(long page) {
        for (List<long[]> history : List.of(lruHistory, lfuHistory)) {
            for (int i = 0; i < history.size(); i++) {
                long[] entry = history.get(i);
                if (entry[0] == page) {
                    history.remove(i);
                    double factor = Math.exp(-0.45 * Math.pow(discount, time - entry[1]));
                    if (history == lruHistory) {
                        wLru = wLru * factor;
                    } else {
                        wLfu = wLfu * factor;
                    }
                    double total = wLru + wLfu;
                    wLru = wLru / total;
                    wLfu = wLfu / total;
                    return;
                }
            }
        }
    }

    private boolean lruDraw(long k) {
        return new SplittableRandom(seed + k).nextDouble() < wLru;
    }

    /** The page of the fewest references, the least recently used of those. */
    private long leastFrequent(List<Long> pages) {
        long best = pages.get(0);
        for (long p : pages) {
            if (count.get(p) < count.get(best) || (count.get(p).equals(count.get(best)) && last.get(p) < last.get(best))) {
                best = p;
            }
        }
        return best;
    }

    private void drop(long page) {
        recency.remove(page);
        count.remove(page);
        last.remove(page);
    }

    @Override
    public void remove(long page) {
        drop(page);
    }

    @Override
    public List<Long> order(int position) {
        List<Long> left = new ArrayList<>(recency);
        List<Long> order = new ArrayList<>();
        for (long k = evictions; !left.isEmpty(); k++) {
            long page = lruDraw(k) ? left.get(0) : leastFrequent(left);
            left.remove(page);
            order.add(page);
        }
        return order;
    }

    double lruWeight() {
        return wLru;
    }
}
