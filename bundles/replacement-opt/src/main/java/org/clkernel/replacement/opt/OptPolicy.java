package org.clkernel.replacement.opt;

import org.clkernel.api.replacement.PolicyHost;
import org.clkernel.api.replacement.ReplacementPolicy;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * Belady's MIN: the victim is the resident page whose next use lies farthest in the future (a page
 * never used again first, the smallest id among several). It needs the future, so it runs only
 * where the host knows it, in a trace replay, and serves there as the lower bound on misses.
 *
 * <p>A page's next use changes only when the page itself is referenced, so the policy asks the host
 * on admission and on every hit and keeps the pages in a heap by next use.
 */
@Component(service = ReplacementPolicy.class, scope = ServiceScope.PROTOTYPE,
        property = {ReplacementPolicy.NAME + "=opt", "service.ranking:Integer=0"})
public final class OptPolicy implements ReplacementPolicy {
    private NextUseHeap heap;
    private PolicyHost host;

    @Override
    public void init(int frames, PolicyHost host) {
        if (!host.knowsFuture()) {
            throw new IllegalStateException("OPT needs the future reference string, which only a trace replay knows;"
                    + " choose another policy for a running system.");
        }
        this.heap = new NextUseHeap(frames);
        this.host = host;
    }

    @Override
    public void admitted(long page) {
        heap.add(page, host.nextUse(page));
    }

    @Override
    public void referenced(long page) {
        heap.update(page, host.nextUse(page));
    }

    @Override
    public long evict(long incoming) {
        return heap.removeFirst();
    }

    @Override
    public void removed(long page) {
        heap.remove(page);
    }

    @Override
    public int resident() {
        return heap.size();
    }

    @Override
    public long[] evictionOrder() {
        return heap.toArray();
    }

    /** The integrity walk of the heap: the first broken element, or {@code null}. */
    String check() {
        return heap.check();
    }
}
