package org.clkernel.paging.replay;

import java.util.function.LongConsumer;

import org.clkernel.api.paging.ReplayResult;

import org.clkernel.api.replacement.PolicyHost;
import org.clkernel.api.replacement.ReplacementPolicy;

/**
 * Runs a trace through a policy alone, like a cache simulator: N frames, a hit when the page is
 * resident, a miss otherwise (after evicting the policy's victim when all frames are full). The
 * simulation is the policy's host: it keeps an accessed bit per page (set on every reference,
 * clear when a page is admitted, as libCacheSim's Clock does) and knows the future. A miss names
 * the missing page to {@link ReplacementPolicy#evict}, as demand paging names the faulting page.
 */
public final class Simulation implements PolicyHost {
    private final Trace trace;
    private final int frames;
    private final boolean[] resident;
    private final boolean[] accessed;
    private final int[] nextUseOf;
    private final boolean knowsFuture;
    private int[] nextUses;
    private int position;

    public Simulation(Trace trace, int frames) {
        this(trace, frames, true);
    }

    /**
     * A simulation that hides the future when {@code knowsFuture} is false: the policy then sees
     * only what a running system shows it.
     */
    Simulation(Trace trace, int frames, boolean knowsFuture) {
        if (frames < 1) {
            throw new IllegalArgumentException("a replay needs at least 1 frame");
        }
        this.trace = trace;
        this.frames = frames;
        this.resident = new boolean[trace.distinct()];
        this.accessed = new boolean[trace.distinct()];
        this.nextUseOf = new int[trace.distinct()];
        this.knowsFuture = knowsFuture;
    }

    /**
     * Replays the whole trace.
     *
     * @param progress called with the number of references done, about every 1% of the trace
     */
    public ReplayResult run(ReplacementPolicy policy, String policyName, LongConsumer progress) {
        policy.init(frames, this);
        int used = 0;
        long misses = 0;
        int step = Math.max(1, trace.length() / 100);
        long start = System.nanoTime();
        for (position = 0; position < trace.length(); position++) {
            int page = trace.page(position);
            if (nextUses != null) {
                nextUseOf[page] = nextUses[position];
            }
            if (resident[page]) {
                accessed[page] = true;
                policy.referenced(page);
            } else {
                misses++;
                if (used == frames) {
                    long victim = policy.evict(page);
                    if (victim < 0 || victim >= resident.length || !resident[(int) victim]) {
                        throw new IllegalStateException(policyName + " evicted page " + victim + ", which is not resident");
                    }
                    resident[(int) victim] = false;
                    used--;
                }
                resident[page] = true;
                accessed[page] = false;
                used++;
                policy.admitted(page);
            }
            if (progress != null && position % step == step - 1) {
                progress.accept(position + 1L);
            }
        }
        long nanos = System.nanoTime() - start;
        return new ReplayResult(trace.name(), policyName, frames, trace.length(), misses, nanos);
    }

    @Override
    public boolean testAndClearAccessed(long page) {
        boolean was = accessed[(int) page];
        accessed[(int) page] = false;
        return was;
    }

    @Override
    public boolean knowsFuture() {
        return knowsFuture;
    }

    @Override
    public long nextUse(long page) {
        if (!knowsFuture) {
            throw new UnsupportedOperationException("this simulation hides the future");
        }
        if (nextUses == null) {
            nextUses = trace.nextUses(); // computed on first use: only OPT asks
            for (int i = 0; i <= position && i < trace.length(); i++) {
                nextUseOf[trace.page(i)] = nextUses[i];
            }
        }
        int next = nextUseOf[(int) page];
        return next == Integer.MAX_VALUE ? NEVER : next;
    }
}
