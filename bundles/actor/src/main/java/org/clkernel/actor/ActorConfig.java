package org.clkernel.actor;

import org.clkernel.api.actor.Actor;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "CLKernel/J actor",
        description = "An actor and its quotas; created if missing, its quotas updated on every change. 0 means unlimited.")
@interface ActorConfig {

    @AttributeDefinition(name = "Name", description = "1 to 23 printable ASCII characters, no spaces")
    String name();

    @AttributeDefinition(name = "Frame quota", min = "0", description = "4 KiB frames the actor may hold at once")
    long frames() default Actor.DEFAULT_FRAME_QUOTA;

    @AttributeDefinition(name = "Heap quota (bytes)", min = "0", description = "kernel heap bytes the actor may hold at once")
    long heap() default Actor.DEFAULT_HEAP_QUOTA;
}
