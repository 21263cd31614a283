package org.clkernel.paging.space;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.clkernel.api.machine.CpuContext;
import org.clkernel.api.machine.Machine;
import org.clkernel.api.paging.KernelLayout;

/**
 * Which CPU context runs which space, and the TLB shootdowns that follow from it. A user page can
 * be cached only by contexts that ran its space since their last CR3 load (user pages are not
 * global), which are those this records; a kernel page can be cached by any context. Contexts run
 * on threads of their own, so they are told through {@link CpuContext#requestInvlpg}, never by
 * touching their TLB from here.
 */
final class Shootdowns {
    private final Machine machine;
    private final Map<CpuContext, Integer> running = new ConcurrentHashMap<>();

    Shootdowns(Machine machine) {
        this.machine = machine;
    }

    /** Records that a context loaded an actor's directory into CR3. */
    void ran(CpuContext context, int actor) {
        running.put(context, actor);
    }

    Map<CpuContext, Integer> running() {
        return running;
    }

    void forget(int actor) {
        running.values().removeIf(a -> a == actor);
    }

    /** Invalidates the page holding va wherever it may be cached. @return the contexts told */
    int page(int actor, long va) {
        int told = 0;
        if (KernelLayout.isUser(va)) {
            for (Map.Entry<CpuContext, Integer> e : running.entrySet()) {
                if (e.getValue() == actor) {
                    e.getKey().requestInvlpg(va);
                    told++;
                }
            }
        } else {
            List<CpuContext> all = machine.contexts();
            for (CpuContext c : all) {
                c.requestInvlpg(va);
            }
            told = all.size();
        }
        return told;
    }
}
