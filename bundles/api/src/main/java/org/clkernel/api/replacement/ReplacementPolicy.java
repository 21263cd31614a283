package org.clkernel.api.replacement;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A page-replacement policy. Policies are registered as prototype-scope OSGi services with the
 * property {@link #NAME}; every user (the paging system, a replay, a shadow simulation) gets an
 * instance of its own and calls {@link #init} once before anything else.
 *
 * <p>The caller owns the resident set and tells the policy what happens to it: a page is
 * {@linkplain #admitted admitted} after a miss, {@linkplain #referenced referenced} on every hit,
 * {@linkplain #evict evicted} when the policy chooses it, or {@linkplain #removed removed} for
 * another reason (unmapped, its address space destroyed). A page is resident from its admission
 * until it is evicted or removed; the caller never admits a resident page and never admits more
 * pages than the capacity without evicting first. On a miss with every frame in use the caller
 * names the missing page x to {@code evict(x)} and then admits x, with no other call between
 * the two. Page ids are opaque non-negative longs.
 *
 * <p>Instances are used by one thread at a time.
 */
@ConsumerType
public interface ReplacementPolicy {
    /** Service property: the policy's short name, as users type it ("lru", "arc", ...). */
    String NAME = "policy.name";

    /** The {@code incoming} page of an {@link #evict} that is not made for a miss: no page id is negative. */
    long NO_PAGE = -1;

    /**
     * Prepares an empty policy.
     *
     * @param frames capacity in pages, at least 1
     * @param host   what the system offers the policy (accessed bits, the future in a replay)
     */
    void init(int frames, PolicyHost host);

    /** A missing page was loaded into a frame. */
    void admitted(long page);

    /** A resident page was referenced. */
    void referenced(long page);

    /**
     * Chooses a resident page to leave and forgets it as resident (a policy may remember it as a
     * ghost). Called only when at least one page is resident.
     *
     * <p>A policy whose choice depends on the missing page (ARC adapts its target to a hit in a
     * ghost list before it chooses) makes that choice here, so it is the same for every caller.
     *
     * @param incoming the page that is admitted next, which is not resident: the page of the miss
     *                 being served (in demand paging, the faulting page); or {@link #NO_PAGE} when
     *                 the caller evicts for another reason (shrinking the resident set, seeding a
     *                 successor), and then the next call need not be an admission
     * @return the victim, a page that was resident
     */
    long evict(long incoming);

    /** A resident page left for a reason other than {@link #evict}; forget it entirely. */
    void removed(long page);

    /** Number of resident pages the policy tracks. */
    int resident();

    /**
     * The resident pages in the order this policy would evict them, first victim first, so that a
     * successor can be seeded without losing or double-counting a page.
     */
    long[] evictionOrder();
}
