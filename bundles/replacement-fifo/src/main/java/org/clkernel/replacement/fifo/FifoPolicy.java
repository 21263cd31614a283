package org.clkernel.replacement.fifo;

import org.clkernel.api.replacement.PolicyHost;
import org.clkernel.api.replacement.ReplacementPolicy;
import org.clkernel.replacement.support.ResidentQueue;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * First in, first out: the victim is the resident page admitted longest ago. References do not
 * change the order, which is why more frames can mean more misses (Belady's anomaly).
 */
@Component(service = ReplacementPolicy.class, scope = ServiceScope.PROTOTYPE,
        property = {ReplacementPolicy.NAME + "=fifo", "service.ranking:Integer=10"})
public final class FifoPolicy implements ReplacementPolicy {
    private ResidentQueue queue;

    @Override
    public void init(int frames, PolicyHost host) {
        queue = new ResidentQueue(frames);
    }

    @Override
    public void admitted(long page) {
        queue.addLast(page);
    }

    @Override
    public void referenced(long page) {
        // admission order alone decides
    }

    @Override
    public long evict(long incoming) {
        return queue.removeFirst();
    }

    @Override
    public void removed(long page) {
        queue.remove(page);
    }

    @Override
    public int resident() {
        return queue.size();
    }

    @Override
    public long[] evictionOrder() {
        return queue.toArray();
    }

    /** The integrity walk of the queue: the first broken element, or {@code null}. */
    String check() {
        return queue.check();
    }
}
