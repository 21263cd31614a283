package org.clkernel.paging.space;

import java.util.Map;
import java.util.function.Supplier;

import org.clkernel.api.replacement.PolicyHost;
import org.clkernel.api.replacement.ReplacementPolicy;
import org.clkernel.replacement.clock.ClockPolicy;
import org.clkernel.replacement.lru.LruPolicy;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;

/** Policy services as DS hands them to the paging component: prototype objects and properties. */
public final class Policies {
    private Policies() {
    }

    public static ComponentServiceObjects<ReplacementPolicy> objects(Supplier<ReplacementPolicy> make) {
        return new ComponentServiceObjects<>() {
            @Override
            public ReplacementPolicy getService() {
                return make.get();
            }

            @Override
            public void ungetService(ReplacementPolicy service) {
            }

            @Override
            public ServiceReference<ReplacementPolicy> getServiceReference() {
                return null;
            }
        };
    }

    static ComponentServiceObjects<ReplacementPolicy> install(VirtualMemoryService vm, String name, int ranking,
            Supplier<ReplacementPolicy> make) {
        ComponentServiceObjects<ReplacementPolicy> o = objects(make);
        vm.addPolicy(o, Map.of(ReplacementPolicy.NAME, name, Constants.SERVICE_RANKING, ranking));
        return o;
    }

    static ComponentServiceObjects<ReplacementPolicy> clock(VirtualMemoryService vm) {
        return install(vm, "clock", 20, ClockPolicy::new);
    }

    static ComponentServiceObjects<ReplacementPolicy> lru(VirtualMemoryService vm) {
        return install(vm, "lru", 30, LruPolicy::new);
    }

    /** A policy whose evict throws: a bug in a plug-in. */
    static final class Throwing implements ReplacementPolicy {
        private final LruPolicy inner = new LruPolicy();

        @Override
        public void init(int frames, PolicyHost host) {
            inner.init(frames, host);
        }

        @Override
        public void admitted(long page) {
            inner.admitted(page);
        }

        @Override
        public void referenced(long page) {
        }

        @Override
        public long evict(long incoming) {
            throw new ArithmeticException("bug in the policy");
        }

        @Override
        public void removed(long page) {
            inner.removed(page);
        }

        @Override
        public int resident() {
            return inner.resident();
        }

        @Override
        public long[] evictionOrder() {
            return inner.evictionOrder();
        }
    }
}
