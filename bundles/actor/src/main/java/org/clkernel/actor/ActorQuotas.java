package org.clkernel.actor;

import org.clkernel.api.machine.Machine;
import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.physical.FrameQuota;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The frame allocator's view of the actors' quotas, read straight from the actor table in RAM.
 *
 * <p>It is a component of its own, needing only the machine, so that the allocator's quota
 * reference does not lead back to the actor table, which itself needs the allocator: with that
 * cycle, binding the quota while the table is being created fails and is never retried. Reading
 * RAM also means a quota change is seen by the very next allocation.
 */
@Component(service = FrameQuota.class)
public final class ActorQuotas implements FrameQuota {
    private final Machine machine;
    private final PhysicalMemory ram;
    /** The table's address once found; the table never moves while the machine runs. */
    private volatile long base = -1;

    @Activate
    public ActorQuotas(@Reference(name = "machine") Machine machine) {
        this.machine = machine;
        this.ram = machine.physical();
    }

    @Override
    public long frameQuota(int owner) {
        long table = table();
        if (table < 0 || owner < 0 || owner >= ActorTable.CAPACITY) {
            return 0;
        }
        long entry = table + ActorTable.FIRST_ENTRY + (long) owner * ActorTable.ENTRY;
        return ram.read32(entry) == 1 ? Math.max(0, ram.read64(entry + 32)) : 0;
    }

    private long table() {
        long b = base;
        if (b < 0) {
            b = machine.anchors().get(ActorTable.ANCHOR).orElse(-1);
            if (b >= 0 && ram.read32(b) == ActorTable.MAGIC) {
                base = b;
            }
        }
        return b >= 0 && ram.read32(b) == ActorTable.MAGIC ? b : -1;
    }
}
