package org.clkernel.paging.space;

import java.util.Iterator;
import java.util.LinkedHashSet;

import org.clkernel.api.paging.VirtualMemory;
import org.clkernel.api.replacement.PolicyHost;
import org.clkernel.api.replacement.ReplacementPolicy;

/**
 * First in, first out, inside the paging bundle: the policy that serves while no installed one
 * does (none installed, the bound one left or threw), so paging never lacks a policy. It is not a
 * service and is named {@value VirtualMemory#BUILTIN_POLICY}.
 */
final class BuiltinFifo implements ReplacementPolicy {
    /** The resident pages, first victim first. */
    private final LinkedHashSet<Long> queue = new LinkedHashSet<>();

    @Override
    public void init(int frames, PolicyHost host) {
        queue.clear();
    }

    @Override
    public void admitted(long page) {
        queue.add(page);
    }

    @Override
    public void referenced(long page) {
        // FIFO ignores references
    }

    @Override
    public long evict(long incoming) {
        Iterator<Long> first = queue.iterator();
        long victim = first.next();
        first.remove();
        return victim;
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
        return queue.stream().mapToLong(Long::longValue).toArray();
    }
}
