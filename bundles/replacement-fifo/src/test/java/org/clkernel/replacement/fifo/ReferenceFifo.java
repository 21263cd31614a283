package org.clkernel.replacement.fifo;

import java.util.ArrayList;
import java.util.List;

import org.clkernel.replacement.support.Lockstep;
import org.clkernel.replacement.support.TestHost;

/** FIFO as plainly as it can be written: a list in admission order. */
final class ReferenceFifo implements Lockstep.Model {
    private final int frames;
    private final List<Long> pages = new ArrayList<>();

    ReferenceFifo(int frames) {
        this.frames = frames;
    }

    @Override
    public long reference(int position, long page) {
        if (pages.contains(page)) {
            return TestHost.HIT;
        }
        long victim = pages.size() == frames ? pages.remove(0) : TestHost.NO_EVICTION;
        pages.add(page);
        return victim;
    }

    @Override
    public void remove(long page) {
        pages.remove(page);
    }

    @Override
    public List<Long> order(int position) {
        return pages;
    }
}
