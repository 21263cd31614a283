package org.clkernel.replacement.support;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.clkernel.api.replacement.PolicyHost;
import org.clkernel.api.replacement.ReplacementPolicy;

/**
 * Plays a string of entries against a policy as a replay does: N frames, a hit when the page is
 * resident, a miss otherwise, which first evicts the policy's victim for the missing page when the
 * frames are full. It keeps an accessed bit per page, clear on admission and set on every hit, and
 * knows the future (the string) or not, as a replay or a running kernel.
 *
 * <p>An entry is a reference (a page id, non-negative) or a removal ({@code -1 - k}): there the
 * host takes away the k-th resident page in ascending id order (modulo their number), as an unmap
 * would. Positions in the string count both kinds.
 */
public final class TestHost implements PolicyHost {
    /** {@link #reference()} result: the page was resident. */
    public static final long HIT = -2;
    /** {@link #reference()} result: a miss that found a free frame; {@link #remove()} result: nothing was resident. */
    public static final long NO_EVICTION = -1;

    private final ReplacementPolicy policy;
    private final int frames;
    private final boolean knowsFuture;
    private final long[] string;
    private final Set<Long> resident = new HashSet<>();
    private final Set<Long> accessed = new HashSet<>();
    private final List<Long> victims = new ArrayList<>();
    /** The number of entries played. */
    private int position;
    /** The entry being played, or the last one played (-1 before the first): where the future starts. */
    private int current = -1;
    private long misses;
    private int futureQueries;

    /** Inits the policy with this host. */
    public TestHost(ReplacementPolicy policy, int frames, boolean knowsFuture, long... string) {
        this.policy = policy;
        this.frames = frames;
        this.knowsFuture = knowsFuture;
        this.string = string.clone();
        policy.init(frames, this);
    }

    /** Misses of the whole string (references only) on a host that knows the future. */
    public static long misses(ReplacementPolicy policy, int frames, long... string) {
        return new TestHost(policy, frames, true, string).run();
    }

    /**
     * Inits the policy on a host that does not know the future and admits the pages to the policy
     * directly, their accessed bits clear; a test then talks to the policy itself.
     */
    public static TestHost started(ReplacementPolicy policy, int frames, long... pages) {
        TestHost host = new TestHost(policy, frames, false);
        for (long page : pages) {
            policy.admitted(page);
        }
        return host;
    }

    /** Plays the rest of the string; returns the misses so far. */
    public long run() {
        while (!done()) {
            if (string[position] >= 0) {
                reference();
            } else {
                remove();
            }
        }
        return misses;
    }

    /** Plays the next entry, a reference: {@link #HIT}, {@link #NO_EVICTION} or the victim. */
    public long reference() {
        current = position;
        long page = string[position];
        if (page < 0) {
            throw new IllegalStateException("entry " + position + " is a removal, not a reference");
        }
        long outcome;
        if (resident.contains(page)) {
            accessed.add(page);
            policy.referenced(page);
            outcome = HIT;
        } else {
            misses++;
            outcome = resident.size() == frames ? evict(page) : NO_EVICTION;
            resident.add(page);
            accessed.remove(page);
            policy.admitted(page);
        }
        position++;
        return outcome;
    }

    /** Plays the next entry, a removal: the page taken away, or {@link #NO_EVICTION} when none is resident. */
    public long remove() {
        current = position;
        long entry = string[position];
        if (entry >= 0) {
            throw new IllegalStateException("entry " + position + " is a reference, not a removal");
        }
        long page = removeResident(Run.pick(entry));
        position++;
        return page;
    }

    /**
     * Evicts for another reason than a miss (as a host shrinking the resident set does): the
     * policy's victim for {@link ReplacementPolicy#NO_PAGE}.
     */
    public long evict() {
        return evict(ReplacementPolicy.NO_PAGE);
    }

    private long evict(long incoming) {
        long victim = policy.evict(incoming);
        if (!resident.remove(victim)) {
            throw new AssertionError("the policy evicted page " + victim + ", which is not resident");
        }
        accessed.remove(victim);
        victims.add(victim);
        return victim;
    }

    /**
     * Takes away the resident page at {@code pick} (modulo their number) in ascending id order,
     * outside the string; returns it, or {@link #NO_EVICTION} when none is resident.
     */
    public long removeResident(int pick) {
        if (resident.isEmpty()) {
            return NO_EVICTION;
        }
        long page = resident.stream().sorted().skip(Math.floorMod(pick, resident.size())).findFirst().orElseThrow();
        resident.remove(page);
        accessed.remove(page);
        policy.removed(page);
        return page;
    }

    /** Sets a page's accessed bit, as an access the policy does not hear of would. */
    public void touch(long page) {
        accessed.add(page);
    }

    public Set<Long> resident() {
        return Set.copyOf(resident);
    }

    /** Every victim so far, of misses and of {@link #evict()}. */
    public List<Long> victims() {
        return List.copyOf(victims);
    }

    public long misses() {
        return misses;
    }

    /** The number of entries played. */
    public int position() {
        return position;
    }

    public boolean done() {
        return position == string.length;
    }

    /** How often the policy asked {@link #nextUse}. */
    public int futureQueries() {
        return futureQueries;
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
        futureQueries++;
        if (!knowsFuture) {
            throw new UnsupportedOperationException("this host does not know the future");
        }
        for (int i = current + 1; i < string.length; i++) {
            if (string[i] == page) {
                return i;
            }
        }
        return NEVER;
    }
}
