package org.clkernel.replacement.lru;

import java.util.ArrayList;
import java.util.List;

/** LRU as plainly as it can be written: a list, least recently used first. */
final class ReferenceLru {
    private final int frames;
    private final List<Long> pages = new ArrayList<>();

    ReferenceLru(int frames) {
        this.frames = frames;
    }

    /** A reference: {@link TestHost#HIT}, {@link TestHost#NO_EVICTION} or the victim. */
    long reference(long page) {
        if (pages.remove(page)) {
            pages.add(page);
            return TestHost.HIT;
        }
        long victim = pages.size() == frames ? pages.remove(0) : TestHost.NO_EVICTION;
        pages.add(page);
        return victim;
    }

    void remove(long page) {
        pages.remove(page);
    }

    /** The resident pages, first victim first. */
    List<Long> order() {
        return pages;
    }
}
