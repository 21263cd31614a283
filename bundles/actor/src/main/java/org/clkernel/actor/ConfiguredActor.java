package org.clkernel.actor;

import org.clkernel.api.actor.ActorRegistry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * One factory configuration of {@value ActorRegistry#FACTORY_PID}: makes sure its actor exists
 * with the configured quotas, live. Deleting the configuration leaves the actor (it may hold
 * memory); {@code actor:destroy} removes it. A bad value is refused with one line.
 */
@Component(configurationPid = ActorRegistry.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ActorConfig.class, factory = true)
public final class ConfiguredActor {

    @Reference
    ActorRegistry registry;

    @Activate
    @Modified
    void apply(ActorConfig config) {
        try {
            if (registry.find(config.name()).isPresent()) {
                registry.setQuota(config.name(), config.frames(), config.heap());
            } else {
                registry.create(config.name(), config.frames(), config.heap());
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("actor configuration refused: " + e.getMessage());
        }
    }
}
