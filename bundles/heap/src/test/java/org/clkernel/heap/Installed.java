package org.clkernel.heap;

import java.util.Map;
import java.util.function.Supplier;

import org.clkernel.api.heap.PlacementStrategy;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;

/** A strategy service as Declarative Services hands it over: a fresh instance per get, counted. */
final class Installed implements ComponentServiceObjects<PlacementStrategy> {
    private final Supplier<PlacementStrategy> make;
    int outstanding;

    private Installed(Supplier<PlacementStrategy> make) {
        this.make = make;
    }

    /** A strategy service that makes a fresh instance per get, not registered anywhere. */
    static Installed of(Supplier<PlacementStrategy> make) {
        return new Installed(make);
    }

    /** Registers a strategy with the heap, as the bind of its reference does. */
    static Installed install(KernelHeapService heap, String name, int ranking, Supplier<PlacementStrategy> make) {
        Installed i = new Installed(make);
        heap.addStrategy(i, Map.of(PlacementStrategy.NAME, name, "service.ranking", ranking));
        return i;
    }

    @Override
    public PlacementStrategy getService() {
        outstanding++;
        return make.get();
    }

    @Override
    public void ungetService(PlacementStrategy service) {
        outstanding--;
    }

    @Override
    public ServiceReference<PlacementStrategy> getServiceReference() {
        return null;
    }
}
