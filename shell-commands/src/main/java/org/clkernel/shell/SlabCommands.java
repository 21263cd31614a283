package org.clkernel.shell;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.clkernel.api.slab.SlabAllocator;
import org.clkernel.api.slab.SlabCache;
import org.clkernel.api.slab.SlabCacheStats;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The slab allocator: its caches as /proc/slabinfo shows them, create, alloc, free, reap, check. */
@Component(service = SlabCommands.class)
@GogoCommand(scope = "slab", function = {"info", "create", "alloc", "free", "reap", "check"})
public class SlabCommands {
    /** The first line of /proc/slabinfo. */
    static final String VERSION_LINE = "slabinfo - version: 2.1";
    /** The second line of /proc/slabinfo, as Linux prints it. */
    static final String HEADER_LINE = "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
            + " : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>";

    @Reference
    SlabAllocator slab;

    @Descriptor("every cache in the layout of Linux's /proc/slabinfo 2.1; the tunables (limit, batchcount,"
            + " sharedfactor) and sharedavail are always 0: this allocator has none of them")
    public Object info() {
        return Commands.run("slab:info", () -> {
            StringBuilder out = new StringBuilder(VERSION_LINE).append('\n').append(HEADER_LINE).append('\n');
            for (SlabCache c : slab.caches()) {
                SlabCacheStats s = c.stats();
                // the widths of Linux's cache_show()
                out.append(String.format("%-17s %6d %6d %6d %4d %4d : tunables %4d %4d %4d : slabdata %6d %6d %6d%n",
                        s.name(), s.activeObjs(), s.numObjs(), s.objSize(), s.objPerSlab(), s.pagesPerSlab(),
                        0, 0, 0, s.activeSlabs(), s.numSlabs(), 0));
            }
            return out.toString();
        });
    }

    @Descriptor("create a cache of objects of SIZE bytes")
    public Object create(
            @Descriptor("alignment of each object, a power of two from 1 to 4096 (at least 8 is kept)") @Parameter(names = {"--align"}, absentValue = "8") String align,
            @Descriptor("cache name, 1 to 31 printable characters without spaces") String name,
            @Descriptor("object size in bytes, 1 to 65536") String size) {
        return Commands.run("slab:create", () -> {
            int n = (int) Args.number("size", size, 1, SlabAllocator.MAX_OBJECT_SIZE);
            int alignment = (int) Args.number("alignment", align, 1, SlabAllocator.MAX_ALIGN);
            SlabCache c = slab.create(name, n, alignment);
            SlabCacheStats s = c.stats();
            return String.format("created %s: %d-byte objects aligned to %d, %d per slab of %d %s", c.name(),
                    c.objectSize(), c.align(), s.objPerSlab(), s.pagesPerSlab(), s.pagesPerSlab() == 1 ? "frame" : "frames");
        });
    }

    @Descriptor("allocate one object from a cache and print its kernel (direct-map) address")
    public Object alloc(@Descriptor("cache name, such as kmalloc-64") String name) {
        return Commands.run("slab:alloc", () -> {
            SlabCache c = cache(name);
            long address = c.alloc();
            if (address == 0) {
                throw new IllegalStateException("out of memory: no frames for a new slab of " + c.name());
            }
            return String.format("%s: %d-byte object of %s", Args.hex32(address), c.objectSize(), c.name());
        });
    }

    @Descriptor("free an object: the cache is the one whose slab holds the address, as kfree finds it")
    public Object free(@Descriptor("the object's address") String address) {
        return Commands.run("slab:free", () -> {
            long a = Args.address("address", address);
            SlabCache c = slab.cacheOf(a).orElseThrow(
                    () -> new IllegalArgumentException(Args.hex32(a) + " is in no slab"));
            c.free(a);
            return "freed " + Args.hex32(a) + " (" + c.name() + ")";
        });
    }

    @Descriptor("give every empty slab of every cache back to the frame allocator")
    public Object reap() {
        return Commands.run("slab:reap", () -> {
            long frames = slab.reap();
            return "gave back " + frames + (frames == 1 ? " frame" : " frames");
        });
    }

    @Descriptor("walk every cache, slab, free stack and object, name the first broken element, list what allocations found broken")
    public Object check() {
        return Commands.run("slab:check", () -> Commands.checkReport(slab.check(), slab.findings()));
    }

    private SlabCache cache(String name) {
        return slab.cache(name).orElseThrow(() -> new IllegalArgumentException("no cache named '" + name + "'"));
    }

    // ---- any other number of arguments: one line of usage -------------------------------------

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object info(String... other) {
        return Commands.usage("slab:info", "");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object create(String... other) {
        return Commands.usage("slab:create", "[--align N] NAME SIZE");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object alloc(String... other) {
        return Commands.usage("slab:alloc", "NAME");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object free(String... other) {
        return Commands.usage("slab:free", "ADDR");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object reap(String... other) {
        return Commands.usage("slab:reap", "");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object check(String... other) {
        return Commands.usage("slab:check", "");
    }
}
