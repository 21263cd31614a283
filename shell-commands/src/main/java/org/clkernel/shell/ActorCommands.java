package org.clkernel.shell;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.clkernel.api.actor.Actor;
import org.clkernel.api.actor.ActorRegistry;
import org.clkernel.api.physical.FrameAllocator;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Actors: create, list, set quotas, show usage, destroy. */
@Component(service = ActorCommands.class)
@GogoCommand(scope = "actor", function = {"create", "list", "quota", "stats", "destroy"})
public class ActorCommands {
    private static final String UNCHANGED = "unchanged";

    @Reference
    ActorRegistry actors;

    @Reference
    FrameAllocator frames;

    @Descriptor("create an actor (quotas default to the CLKernel 1 MiB; 0 means unlimited)")
    public Object create(
            @Descriptor("frame quota in 4 KiB frames") @Parameter(names = {"-f", "--frames"}, absentValue = "256") String framesQuota,
            @Descriptor("heap quota in bytes") @Parameter(names = {"-h", "--heap"}, absentValue = "1048576") String heapQuota,
            @Descriptor("name: 1 to 23 printable characters") String name) {
        return Commands.run("actor:create", () -> {
            Actor a = actors.create(name, Args.number("frame quota", framesQuota, 0, Integer.MAX_VALUE),
                    Args.number("heap quota", heapQuota, 0, Long.MAX_VALUE));
            return "created actor " + a.id() + " '" + a.name() + "': " + quotas(a);
        });
    }

    @Descriptor("list the actors and their quotas")
    public Object list() {
        return Commands.run("actor:list", () -> {
            Table t = new Table(">ID", "NAME", ">FRAME QUOTA", ">HEAP QUOTA");
            for (Actor a : actors.list()) {
                t.row(a.id(), a.name(), limit(a.frameQuota(), a.frameQuota() + " (" + Args.bytes(a.frameQuota() * 4096) + ")"),
                        limit(a.heapQuota(), Args.bytes(a.heapQuota())));
            }
            return t.toString();
        });
    }

    @Descriptor("show an actor's quotas, or change them live")
    public Object quota(
            @Descriptor("new frame quota") @Parameter(names = {"-f", "--frames"}, absentValue = UNCHANGED) String framesQuota,
            @Descriptor("new heap quota in bytes") @Parameter(names = {"-h", "--heap"}, absentValue = UNCHANGED) String heapQuota,
            @Descriptor("actor name") String name) {
        return Commands.run("actor:quota", () -> {
            Actor a = actors.find(name).orElseThrow(() -> new IllegalArgumentException("no actor named '" + name + "'"));
            if (framesQuota.equals(UNCHANGED) && heapQuota.equals(UNCHANGED)) {
                return a.name() + ": " + quotas(a);
            }
            long f = framesQuota.equals(UNCHANGED) ? a.frameQuota() : Args.number("frame quota", framesQuota, 0, Integer.MAX_VALUE);
            long h = heapQuota.equals(UNCHANGED) ? a.heapQuota() : Args.number("heap quota", heapQuota, 0, Long.MAX_VALUE);
            return a.name() + ": " + quotas(actors.setQuota(name, f, h));
        });
    }

    @Descriptor("frames each actor holds against its quota")
    public Object stats(
            @Descriptor("print JSON") @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") String json) {
        return Commands.run("actor:stats", () -> {
            if (Boolean.parseBoolean(json)) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (Actor a : actors.list()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", a.id());
                    row.put("name", a.name());
                    row.put("frames", frames.framesOwned(a.id()));
                    row.put("frameQuota", a.frameQuota());
                    row.put("heapQuota", a.heapQuota());
                    rows.add(row);
                }
                return Json.array(rows);
            }
            Table t = new Table(">ID", "NAME", ">FRAMES", ">QUOTA", ">USE", ">MEMORY");
            for (Actor a : actors.list()) {
                long used = frames.framesOwned(a.id());
                t.row(a.id(), a.name(), used, limit(a.frameQuota(), Long.toString(a.frameQuota())),
                        a.frameQuota() == 0 ? "-" : String.format("%d%%", 100 * used / a.frameQuota()), Args.bytes(used * 4096));
            }
            return t.toString();
        });
    }

    @Descriptor("destroy an actor and release its frames")
    public Object destroy(@Descriptor("actor name") String name) {
        return Commands.run("actor:destroy", () -> {
            long released = actors.destroy(name);
            return "destroyed actor '" + name + "': " + released + " frames released";
        });
    }

    private static String quotas(Actor a) {
        return "frames " + limit(a.frameQuota(), a.frameQuota() + " (" + Args.bytes(a.frameQuota() * 4096) + ")")
                + ", heap " + limit(a.heapQuota(), Args.bytes(a.heapQuota()));
    }

    private static String limit(long quota, String shown) {
        return quota == 0 ? "unlimited" : shown;
    }

    // ---- any other number of arguments: one line of usage -------------------------------------

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object create(String... other) {
        return Commands.usage("actor:create", "[--frames N] [--heap BYTES] NAME");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object list(String... other) {
        return Commands.usage("actor:list", "");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object quota(String... other) {
        return Commands.usage("actor:quota", "[--frames N] [--heap BYTES] NAME");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object stats(String... other) {
        return Commands.usage("actor:stats", "[--json]");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object destroy(String... other) {
        return Commands.usage("actor:destroy", "NAME");
    }
}
