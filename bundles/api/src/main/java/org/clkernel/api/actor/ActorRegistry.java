package org.clkernel.api.actor;

import java.util.List;
import java.util.Optional;

import org.clkernel.api.CheckResult;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The table of actors, kept in emulated RAM. The kernel actor (id 0, unlimited) always exists.
 */
@ProviderType
public interface ActorRegistry {
    /** Factory configuration PID: one configuration per actor (name, frames, heap). */
    String FACTORY_PID = "org.clkernel.actor";

    /**
     * Creates an actor.
     *
     * @throws IllegalArgumentException for a bad or taken name or a negative quota
     * @throws IllegalStateException    when the table is full
     */
    Actor create(String name, long frameQuota, long heapQuota);

    Optional<Actor> find(String name);

    Optional<Actor> get(int id);

    List<Actor> list();

    /** Changes quotas; a quota below current use is allowed and blocks further allocation. */
    Actor setQuota(String name, long frameQuota, long heapQuota);

    /**
     * Destroys an actor: its address space if the paging system runs and it has one (refused with
     * {@link IllegalStateException} while a CPU context runs it), then every frame it still holds.
     * The kernel actor cannot be destroyed.
     *
     * @return the frames released
     */
    long destroy(String name);

    CheckResult check();
}
