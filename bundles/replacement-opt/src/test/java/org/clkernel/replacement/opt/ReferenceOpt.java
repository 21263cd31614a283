package org.clkernel.replacement.opt;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.clkernel.replacement.support.Lockstep;
import org.clkernel.replacement.support.TestHost;

/**
 * Belady's MIN by brute force: at each eviction, scan the rest of the string for every resident
 * page's next reference and take the farthest (never again counts as farthest; among pages never
 * used again, the smallest id).
 */
final class ReferenceOpt implements Lockstep.Model {
    private final int frames;
    private final long[] string;
    private final List<Long> pages = new ArrayList<>();

    ReferenceOpt(int frames, long[] string) {
        this.frames = frames;
        this.string = string;
    }

    @Override
    public long reference(int position, long page) {
        if (pages.contains(page)) {
            return TestHost.HIT;
        }
        long victim = TestHost.NO_EVICTION;
        if (pages.size() == frames) {
            victim = order(position).get(0);
            pages.remove(victim);
        }
        pages.add(page);
        return victim;
    }

    @Override
    public void remove(long page) {
        pages.remove(page);
    }

    @Override
    public List<Long> order(int position) {
        List<Long> order = new ArrayList<>(pages);
        order.sort(Comparator.comparingLong((Long p) -> nextUse(p, position)).reversed().thenComparing(p -> p));
        return order;
    }

    private long nextUse(long page, int position) {
        for (int i = position + 1; i < string.length; i++) {
            if (string[i] == page) {
                return i;
            }
        }
        return Long.MAX_VALUE;
    }
}
