package org.clkernel.replacement.twoq;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.clkernel.api.replacement.PolicyHost;
import org.clkernel.api.replacement.ReplacementPolicy;

/**
 * A tiny host that serves a reference string to a policy the way a cache simulator does: a hit
 * when the page is resident, otherwise a miss that evicts the policy's victim first when all
 * frames are in use. It knows the future (the string) or not, as a replay or a live kernel.
 */
final class TestHost implements PolicyHost {
    /** {@link #step()} on a hit. */
    static final long HIT = -2;
    /** {@link #step()} on a miss that found a free frame. */
    static final long FREE = -1;

    private final ReplacementPolicy policy;
    private final int frames;
    private final boolean knowsFuture;
    private final long[] string;
    private final Set<Long> resident = new LinkedHashSet<>();
    private final Map<Long, Boolean> accessed = new HashMap<>();
    private final List<Long> victims = new ArrayList<>();
    private int position;
    private long misses;

    TestHost(ReplacementPolicy policy, int frames, boolean knowsFuture, long... string) {
        this.policy = policy;
        this.frames = frames;
        this.knowsFuture = knowsFuture;
        this.string = string.clone();
        policy.init(frames, this);
    }

    /** Serves the whole string; returns the misses. */
    long run() {
        while (position < string.length) {
            step();
        }
        return misses;
    }

    /** Serves the next reference: the victim, {@link #HIT} or {@link #FREE}. */
    long step() {
        long page = string[position];
        long outcome;
        if (resident.contains(page)) {
            accessed.put(page, true);
            policy.referenced(page);
            outcome = HIT;
        } else {
            misses++;
            outcome = FREE;
            if (resident.size() == frames) {
                outcome = evict();
            }
            resident.add(page);
            accessed.put(page, false);
            policy.admitted(page);
        }
        position++;
        return outcome;
    }

    /** Asks the policy for a victim, as a miss does or as a host reclaiming a frame would. */
    long evict() {
        long victim = policy.evict();
        if (!resident.remove(victim)) {
            throw new AssertionError("the policy evicted page " + victim + ", which is not resident");
        }
        accessed.remove(victim);
        victims.add(victim);
        return victim;
    }

    /** Removes the resident page at this index (modulo their number) for another reason; returns it or -1. */
    long removeResident(int index) {
        if (resident.isEmpty()) {
            return -1;
        }
        long page = new ArrayList<>(resident).get(Math.floorMod(index, resident.size()));
        resident.remove(page);
        accessed.remove(page);
        policy.removed(page);
        return page;
    }

    Set<Long> resident() {
        return Set.copyOf(resident);
    }

    List<Long> victims() {
        return List.copyOf(victims);
    }

    int position() {
        return position;
    }

    boolean done() {
        return position == string.length;
    }

    @Override
    public boolean testAndClearAccessed(long page) {
        Boolean was = accessed.put(page, false);
        return was != null && was;
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
