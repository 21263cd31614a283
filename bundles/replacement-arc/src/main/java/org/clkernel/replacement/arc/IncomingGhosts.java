package org.clkernel.replacement.arc;

import java.util.HashMap;
import java.util.Map;

import org.clkernel.api.replacement.PolicyHost;

/**
 * Tells {@link ArcPolicy#evict()} which ghost, if any, the miss being served is for, when the host
 * knows the future (a replay).
 *
 * <p>ARC's REPLACE depends on the missing page: a hit in B1 or B2 first moves the target p, and a
 * hit in B2 breaks the tie |T1| = p towards T1 (Megiddo and Modha, FAST 2003, Fig. 4). The SPI
 * asks for the victim before it names the page, so ARC looks it up here: when a page becomes a
 * ghost its next reference position is recorded ({@link PolicyHost#nextUse}, valid because a
 * ghost is not referenced until that position), and the miss at position t is for the ghost whose
 * next reference is t, if there is one. Positions are counted by the policy: every reference of
 * the string is one {@code referenced} or {@code admitted} call, so the count of those calls is
 * the position of the reference being served. A host that also admits pages that are not
 * references (seeding a new policy) shifts the count; ARC then takes the position back from the
 * forecast of the next ghost that is admitted.
 *
 * <p>Invariant: every entry maps a ghost's recorded {@link Page#nextUse} to that ghost, and no
 * resident page or forgotten page is in the index.
 */
final class IncomingGhosts {
    private final PolicyHost host;
    private final Map<Long, Page> byNextUse = new HashMap<>();

    IncomingGhosts(PolicyHost host) {
        this.host = host;
    }

    /** Records a page that has just become a ghost. */
    void add(Page ghost) {
        long next = host.nextUse(ghost.id);
        if (next != PolicyHost.NEVER) {
            ghost.nextUse = next;
            byNextUse.put(next, ghost);
        }
    }

    /** Forgets a ghost that is re-admitted or dropped. */
    void remove(Page ghost) {
        if (ghost.nextUse != Page.UNKNOWN) {
            byNextUse.remove(ghost.nextUse);
            ghost.nextUse = Page.UNKNOWN;
        }
    }

    /** The ghost referenced at this position, or null when the page there is not a ghost. */
    Page at(long position) {
        return byNextUse.get(position);
    }

    int size() {
        return byNextUse.size();
    }
}
