package org.clkernel.replacement.lirs;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.clkernel.replacement.support.Lockstep;
import org.clkernel.replacement.support.TestHost;

/**
 * LIRS written the slow, obvious way from section 3 of Jiang and Zhang (SIGMETRICS 2002): the stack
 * S and the queue Q as lists searched linearly (index 0 is the bottom of S and the front of Q),
 * sets for the LIR and the resident blocks, and one method per request that sees the requested
 * block first. Same sizes as the policy: Lhirs = max(1, frames / d), Llirs = frames - Lhirs; S is
 * kept to 2 x frames entries by dropping the block that has been non-resident longest. A block
 * removed by the host is forgotten, and the bottom of S pruned; a miss with a free frame evicts
 * nothing.
 */
final class ReferenceLirs implements Lockstep.Model {
    static final long HIT = TestHost.HIT;
    static final long FREE = TestHost.NO_EVICTION;

    private final int frames;
    private final int llirs;
    private final List<Long> s = new ArrayList<>();
    private final List<Long> q = new ArrayList<>();
    /** Non-resident blocks of S, in the order they left the cache. */
    private final List<Long> gone = new ArrayList<>();
    private final Set<Long> lir = new HashSet<>();
    private final Set<Long> resident = new HashSet<>();

    ReferenceLirs(int frames, int hirDivisor) {
        this.frames = frames;
        this.llirs = frames - Math.max(1, frames / hirDivisor);
    }

    @Override
    public long reference(int position, long x) {
        if (resident.contains(x)) {
            if (lir.contains(x)) {
                toTop(x);
                prune();
            } else if (s.contains(x)) {
                toTop(x);
                q.remove(x);
                lir.add(x);
                demoteWhileTooManyLir();
            } else {
                s.add(x);
                q.remove(x);
                q.add(x);
                limitStack();
            }
            return HIT;
        }
        long victim = FREE;
        if (resident.size() == frames) {
            victim = q.remove(0);
            resident.remove(victim);
            if (s.contains(victim)) {
                gone.add(victim);
            }
        }
        resident.add(x);
        if (s.contains(x)) {
            gone.remove(x);
            toTop(x);
            lir.add(x);
            demoteWhileTooManyLir();
        } else {
            s.add(x);
            if (lir.size() < llirs) {
                lir.add(x);
                prune();
            } else {
                q.add(x);
            }
            limitStack();
        }
        return victim;
    }

    @Override
    public void remove(long x) {
        if (!resident.remove(x)) {
            throw new AssertionError("block " + x + " is not resident");
        }
        lir.remove(x);
        q.remove(x);
        s.remove(x);
        prune();
    }

    private void toTop(long x) {
        s.remove(x);
        s.add(x);
    }

    private void demoteWhileTooManyLir() {
        while (lir.size() > llirs) {
            prune();
            long bottom = s.remove(0);
            lir.remove(bottom);
            q.add(bottom);
        }
        prune();
    }

    private void prune() {
        while (!s.isEmpty() && !lir.contains(s.get(0))) {
            long hir = s.remove(0);
            gone.remove(hir);
        }
    }

    private void limitStack() {
        while (s.size() > 2 * frames && !gone.isEmpty()) {
            s.remove(gone.remove(0));
        }
    }


    /** The policy's eviction order: Q from the front, then the LIR blocks from the bottom of S. */
    @Override
    public List<Long> order(int position) {
        List<Long> order = new ArrayList<>(q);
        for (long b : s) {
            if (lir.contains(b)) {
                order.add(b);
            }
        }
        return order;
    }
}
