package org.clkernel.replacement.clock;

import org.clkernel.api.replacement.PolicyHost;
import org.clkernel.api.replacement.ReplacementPolicy;
import org.clkernel.replacement.support.ResidentQueue;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * Second-chance clock over the hardware accessed bits. The resident pages stand on a ring in
 * admission order; the hand tests and clears each page's accessed bit through the host, as a
 * kernel reads and clears the PTE's A flag, passes a page whose bit was set (it goes behind the
 * hand) and evicts the first page whose bit was clear. A newly admitted page stands just behind
 * the hand. {@link #referenced} is ignored: the accessed bit is the only signal, as on hardware.
 *
 * <p>The ring is a queue whose head is the page under the hand: passing a page moves it to the
 * back.
 */
@Component(service = ReplacementPolicy.class, scope = ServiceScope.PROTOTYPE,
        property = {ReplacementPolicy.NAME + "=clock", "service.ranking:Integer=20"})
public final class ClockPolicy implements ReplacementPolicy {
    private ResidentQueue ring;
    private PolicyHost host;

    @Override
    public void init(int frames, PolicyHost host) {
        this.ring = new ResidentQueue(frames);
        this.host = host;
    }

    @Override
    public void admitted(long page) {
        ring.addLast(page);
    }

    @Override
    public void referenced(long page) {
        // the hardware sets the accessed bit; the hand reads it
    }

    @Override
    public long evict(long incoming) {
        // One turn clears every bit, so a victim turns up within resident() + 1 steps unless
        // accesses on other CPUs keep setting bits; after two turns the page under the hand goes.
        for (int steps = 2 * ring.size(); steps > 0; steps--) {
            long page = ring.first();
            if (!host.testAndClearAccessed(page)) {
                return ring.removeFirst();
            }
            ring.rotate();
        }
        return ring.removeFirst();
    }

    @Override
    public void removed(long page) {
        ring.remove(page);
    }

    @Override
    public int resident() {
        return ring.size();
    }

    /**
     * The pages in the order the hand reaches them. Accessed bits are not consulted, since reading
     * one clears it: a page the hand would pass for its bit is listed where the hand stands now.
     */
    @Override
    public long[] evictionOrder() {
        return ring.toArray();
    }

    /** The integrity walk of the ring: the first broken element, or {@code null}. */
    String check() {
        return ring.check();
    }
}
