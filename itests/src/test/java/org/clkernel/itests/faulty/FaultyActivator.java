package org.clkernel.itests.faulty;

import java.util.Dictionary;
import java.util.Hashtable;

import org.clkernel.api.heap.PlacementStrategy;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

/**
 * Registers one {@link FaultyStrategy}, ranked above every strategy the runtime carries so that
 * the heap takes it as soon as it appears. Its misbehaviour and the number of good answers before
 * it come from the bundle's headers {@value #MODE_HEADER} and {@value #GOOD_FINDS_HEADER}.
 */
public final class FaultyActivator implements BundleActivator {
    public static final String MODE_HEADER = "Faulty-Strategy-Mode";
    public static final String GOOD_FINDS_HEADER = "Faulty-Strategy-Good-Finds";
    public static final int RANKING = 100;

    private ServiceRegistration<PlacementStrategy> registration;

    @Override
    public void start(BundleContext context) {
        Dictionary<String, String> headers = context.getBundle().getHeaders();
        String mode = headers.get(MODE_HEADER);
        int goodFinds = Integer.parseInt(headers.get(GOOD_FINDS_HEADER));
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(PlacementStrategy.NAME, FaultyStrategy.NAME);
        properties.put(Constants.SERVICE_RANKING, RANKING);
        registration = context.registerService(PlacementStrategy.class, new FaultyStrategy(mode, goodFinds), properties);
    }

    @Override
    public void stop(BundleContext context) {
        registration.unregister();
    }
}
