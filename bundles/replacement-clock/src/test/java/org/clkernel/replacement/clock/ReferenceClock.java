package org.clkernel.replacement.clock;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.clkernel.replacement.support.Lockstep;
import org.clkernel.replacement.support.TestHost;

/**
 * Second-chance clock as plainly as it can be written: a list in hand order (the hand at the
 * front) and the set of pages whose referenced bit is set, kept here rather than read from a host.
 */
final class ReferenceClock implements Lockstep.Model {
    private final int frames;
    private final List<Long> pages = new ArrayList<>();
    private final Set<Long> referenced = new HashSet<>();

    ReferenceClock(int frames) {
        this.frames = frames;
    }

    @Override
    public long reference(int position, long page) {
        if (pages.contains(page)) {
            referenced.add(page);
            return TestHost.HIT;
        }
        long victim = TestHost.NO_EVICTION;
        if (pages.size() == frames) {
            while (referenced.remove(pages.get(0))) {
                pages.add(pages.remove(0));
            }
            victim = pages.remove(0);
        }
        pages.add(page);
        return victim;
    }

    @Override
    public void remove(long page) {
        pages.remove(page);
        referenced.remove(page);
    }

    /** The resident pages in the order the hand reaches them. */
    @Override
    public List<Long> order(int position) {
        return pages;
    }
}
