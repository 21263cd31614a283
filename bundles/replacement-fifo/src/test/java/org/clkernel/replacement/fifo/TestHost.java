package org.clkernel.replacement.fifo;

import java.util.HashSet;
import java.util.Set;

import org.clkernel.api.replacement.PolicyHost;
import org.clkernel.api.replacement.ReplacementPolicy;

/**
 * Plays a reference string against a policy as a replay does: N frames, a hit when the page is
 * resident, a miss otherwise (evicting the policy's victim when the frames are full). It keeps an
 * accessed bit per page, clear on admission and set on every hit, and knows the future.
 *
 * <p>A negative entry in the string is no reference but a removal: {@link #removeResident} takes a
 * resident page away there, as an unmap would. Page ids are non-negative.
 */
final class TestHost implements PolicyHost {
    /** {@link #reference} result: the page was resident. */
    static final long HIT = -2;
    /** {@link #reference} result: a miss that found a free frame. */
    static final long NO_EVICTION = -1;

    private final ReplacementPolicy policy;
    private final int frames;
    private final long[] string;
    private final boolean knowsFuture;
    private final Set<Long> resident = new HashSet<>();
    private final Set<Long> accessed = new HashSet<>();
    private int position = -1;
    private long misses;

    TestHost(ReplacementPolicy policy, int frames, boolean knowsFuture, long... string) {
        this.policy = policy;
        this.frames = frames;
        this.string = string;
        this.knowsFuture = knowsFuture;
        policy.init(frames, this);
    }

    /** Misses of the whole string. */
    static long misses(ReplacementPolicy policy, int frames, long... string) {
        TestHost host = new TestHost(policy, frames, true, string);
        for (int i = 0; i < string.length; i++) {
            host.reference();
        }
        return host.misses();
    }

    /** Plays the next entry, a reference: {@link #HIT}, {@link #NO_EVICTION} or the victim. */
    long reference() {
        long page = string[++position];
        if (resident.contains(page)) {
            accessed.add(page);
            policy.referenced(page);
            return HIT;
        }
        misses++;
        long victim = NO_EVICTION;
        if (resident.size() == frames) {
            victim = policy.evict();
            if (!resident.remove(victim)) {
                throw new AssertionError("the policy evicted page " + victim + ", which is not resident");
            }
            accessed.remove(victim);
        }
        resident.add(page);
        accessed.remove(page);
        policy.admitted(page);
        return victim;
    }

    /**
     * Plays the next entry, a removal: takes away the resident page at {@code pick} (modulo the
     * count) in ascending page order and returns it, or returns {@link #NO_EVICTION} when no page
     * is resident.
     */
    long removeResident(int pick) {
        position++;
        if (resident.isEmpty()) {
            return NO_EVICTION;
        }
        long page = resident.stream().sorted().skip(pick % resident.size()).findFirst().orElseThrow();
        resident.remove(page);
        accessed.remove(page);
        policy.removed(page);
        return page;
    }

    Set<Long> resident() {
        return resident;
    }

    long misses() {
        return misses;
    }

    /** Position of the entry played last. */
    int position() {
        return position;
    }

    /** Sets a page's accessed bit, as an access the policy does not hear of would. */
    void touch(long page) {
        accessed.add(page);
    }

    @Override
    public boolean testAndClearAccessed(long page) {
        return accessed.remove(page);
    }

    @Override
    public boolean knowsFuture() {
        return knowsFuture;
    }

    @Override
    public long nextUse(long page) {
        if (!knowsFuture) {
            throw new UnsupportedOperationException("this host does not know the future");
        }
        for (int i = position + 1; i < string.length; i++) {
            if (string[i] == page) {
                return i;
            }
        }
        return NEVER;
    }
}
