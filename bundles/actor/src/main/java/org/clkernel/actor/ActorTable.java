package org.clkernel.actor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.clkernel.api.CheckResult;
import org.clkernel.api.actor.Actor;
import org.clkernel.api.actor.ActorRegistry;
import org.clkernel.api.machine.Machine;
import org.clkernel.api.machine.PhysicalMemory;
import org.clkernel.api.paging.VirtualMemory;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.physical.Gfp;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The actor table: one frame of emulated RAM, found through the anchor {@value #ANCHOR}.
 *
 * <pre>
 *   +0 magic "CLKR"  +4 layout version  +8 capacity
 *   +64 + 64*id: +0 flags (1 = in use)  +8 name[24] (NUL-padded ASCII)
 *                +32 u64 frame quota    +40 u64 heap quota
 * </pre>
 * An actor's id is its slot, so ids stay small and are reused after a destroy. Slot 0 is the
 * kernel, unlimited. Nothing is kept on the Java side: {@link ActorQuotas} reads the quotas the
 * allocator enforces straight from this table.
 */
@Component(service = ActorRegistry.class, immediate = true)
public final class ActorTable implements ActorRegistry {
    static final String ANCHOR = "actors";
    static final int MAGIC = 0x524B4C43;
    static final int VERSION = 1;
    static final int ENTRY = 64;
    static final int FIRST_ENTRY = 64;
    static final int CAPACITY = (4096 - FIRST_ENTRY) / ENTRY;
    static final int NAME_BYTES = 24;

    private final PhysicalMemory ram;
    private final FrameAllocator frames;
    private final long base;

    /** The paging system, when it runs: an actor's address space goes with the actor. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile VirtualMemory paging;

    @Activate
    public ActorTable(@Reference(name = "machine") Machine machine, @Reference(name = "frames") FrameAllocator frames) {
        this.ram = machine.physical();
        this.frames = frames;
        OptionalLong anchor = machine.anchors().get(ANCHOR);
        if (anchor.isPresent() && ram.read32(anchor.getAsLong()) == MAGIC && ram.read32(anchor.getAsLong() + 4) == VERSION) {
            base = anchor.getAsLong();
        } else {
            long pfn = frames.allocate(0, FrameAllocator.KERNEL, Gfp.ZERO);
            if (pfn < 0) {
                throw new IllegalStateException("no frame for the actor table");
            }
            base = pfn << 12;
            ram.write32(base + 8, CAPACITY);
            ram.write32(base + 4, VERSION);
            ram.write32(base, MAGIC);
            writeEntry(0, Actor.KERNEL_NAME, 0, 0);
            machine.anchors().put(ANCHOR, base);
        }
    }

    // ---- ActorRegistry -------------------------------------------------------------------------

    @Override
    public synchronized Actor create(String name, long frameQuota, long heapQuota) {
        byte[] encoded = encode(name);
        checkQuotas(frameQuota, heapQuota);
        if (find(name).isPresent()) {
            throw new IllegalArgumentException("actor '" + name + "' exists already");
        }
        for (int id = 1; id < CAPACITY; id++) {
            if (!inUse(id)) {
                writeEntry(id, new String(encoded, 0, name.length(), java.nio.charset.StandardCharsets.US_ASCII),
                        frameQuota, heapQuota);
                return read(id);
            }
        }
        throw new IllegalStateException("the actor table is full (" + (CAPACITY - 1) + " actors besides the kernel)");
    }

    @Override
    public synchronized Optional<Actor> find(String name) {
        for (int id = 0; id < CAPACITY; id++) {
            if (inUse(id) && nameAt(id).equals(name)) {
                return Optional.of(read(id));
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized Optional<Actor> get(int id) {
        return id >= 0 && id < CAPACITY && inUse(id) ? Optional.of(read(id)) : Optional.empty();
    }

    @Override
    public synchronized List<Actor> list() {
        List<Actor> all = new ArrayList<>();
        for (int id = 0; id < CAPACITY; id++) {
            if (inUse(id)) {
                all.add(read(id));
            }
        }
        return all;
    }

    @Override
    public synchronized Actor setQuota(String name, long frameQuota, long heapQuota) {
        checkQuotas(frameQuota, heapQuota);
        Actor actor = find(name).orElseThrow(() -> new IllegalArgumentException("no actor named '" + name + "'"));
        if (actor.id() == FrameAllocator.KERNEL) {
            throw new IllegalArgumentException("the kernel actor is always unlimited");
        }
        long entry = entry(actor.id());
        ram.write64(entry + 32, frameQuota);
        ram.write64(entry + 40, heapQuota);
        return read(actor.id());
    }

    @Override
    public synchronized long destroy(String name) {
        Actor actor = find(name).orElseThrow(() -> new IllegalArgumentException("no actor named '" + name + "'"));
        if (actor.id() == FrameAllocator.KERNEL) {
            throw new IllegalArgumentException("the kernel actor cannot be destroyed");
        }
        VirtualMemory vm = paging;
        long released = 0;
        if (vm != null && vm.space(actor.id()).isPresent()) {
            // the space first: it refuses while a CPU runs it, and it frees its tables and swap slots
            released += vm.destroySpace(actor.id());
        }
        released += frames.releaseAll(actor.id());
        ram.write(entry(actor.id()), new byte[ENTRY], 0, ENTRY);
        return released;
    }

    @Override
    public synchronized CheckResult check() {
        String what = "actor table";
        if (ram.read32(base) != MAGIC || ram.read32(base + 4) != VERSION || ram.read32(base + 8) != CAPACITY) {
            return CheckResult.broken(what, 0, String.format("header at 0x%x is not an actor table of version %d", base, VERSION));
        }
        if (!inUse(0) || !nameAt(0).equals(Actor.KERNEL_NAME)) {
            return CheckResult.broken(what, 0, "slot 0 does not hold the kernel actor");
        }
        Set<String> names = new HashSet<>();
        int checked = 0;
        for (int id = 0; id < CAPACITY; id++) {
            int flags = ram.read32(entry(id));
            if (flags == 0) {
                continue;
            }
            checked++;
            if (flags != 1) {
                return CheckResult.broken(what, checked, "actor " + id + " has flags " + flags);
            }
            String problem = nameProblem(id);
            if (problem == null && !names.add(nameAt(id))) {
                problem = "duplicate name '" + nameAt(id) + "'";
            }
            if (problem == null && (ram.read64(entry(id) + 32) < 0 || ram.read64(entry(id) + 40) < 0)) {
                problem = "negative quota";
            }
            if (problem != null) {
                return CheckResult.broken(what, checked, String.format("actor %d at 0x%x: %s", id, entry(id), problem));
            }
        }
        return CheckResult.ok(what, checked);
    }

    // ---- RAM layout ----------------------------------------------------------------------------

    private long entry(int id) {
        return base + FIRST_ENTRY + (long) id * ENTRY;
    }

    private boolean inUse(int id) {
        return ram.read32(entry(id)) == 1;
    }

    private void writeEntry(int id, String name, long frameQuota, long heapQuota) {
        long e = entry(id);
        byte[] encoded = encode(name);
        ram.write(e + 8, encoded, 0, NAME_BYTES);
        ram.write64(e + 32, frameQuota);
        ram.write64(e + 40, heapQuota);
        ram.write32(e, 1); // in use only once complete
    }

    private Actor read(int id) {
        long e = entry(id);
        return new Actor(id, nameAt(id), ram.read64(e + 32), ram.read64(e + 40));
    }

    private String nameAt(int id) {
        byte[] name = new byte[NAME_BYTES];
        ram.read(entry(id) + 8, name, 0, NAME_BYTES);
        int n = 0;
        while (n < NAME_BYTES && name[n] != 0) {
            n++;
        }
        return new String(name, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
    }

    private String nameProblem(int id) {
        byte[] name = new byte[NAME_BYTES];
        ram.read(entry(id) + 8, name, 0, NAME_BYTES);
        if (name[0] == 0) {
            return "empty name";
        }
        if (name[NAME_BYTES - 1] != 0) {
            return "name not NUL-terminated";
        }
        for (byte b : name) {
            if (b != 0 && (b < 0x21 || b > 0x7E)) {
                return String.format("name byte 0x%02x is not printable", b & 0xFF);
            }
        }
        return null;
    }

    private static byte[] encode(String name) {
        if (name == null || name.isEmpty() || name.length() > NAME_BYTES - 1) {
            throw new IllegalArgumentException("an actor name has 1 to " + (NAME_BYTES - 1) + " characters");
        }
        byte[] b = Arrays.copyOf(name.getBytes(java.nio.charset.StandardCharsets.US_ASCII), NAME_BYTES);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                throw new IllegalArgumentException("actor name '" + name + "' must be printable ASCII without spaces");
            }
        }
        return b;
    }

    private static void checkQuotas(long frameQuota, long heapQuota) {
        if (frameQuota < 0 || heapQuota < 0) {
            throw new IllegalArgumentException("quotas are 0 (unlimited) or more");
        }
    }
}
