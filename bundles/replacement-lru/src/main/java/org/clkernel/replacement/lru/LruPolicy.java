package org.clkernel.replacement.lru;

import org.clkernel.api.replacement.PolicyHost;
import org.clkernel.api.replacement.ReplacementPolicy;
import org.clkernel.replacement.support.ResidentQueue;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * Least recently used: the victim is the resident page whose last reference is the oldest. The
 * queue runs from least to most recently used; a hit moves its page to the back.
 */
@Component(service = ReplacementPolicy.class, scope = ServiceScope.PROTOTYPE,
        property = {ReplacementPolicy.NAME + "=lru", "service.ranking:Integer=30"})
public final class LruPolicy implements ReplacementPolicy {
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
        queue.moveToLast(page);
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
