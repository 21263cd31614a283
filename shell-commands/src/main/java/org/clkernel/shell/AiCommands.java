package org.clkernel.shell;

import java.util.Locale;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.clkernel.api.supervisor.LeakDetector;
import org.clkernel.api.supervisor.LeakReport;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The supervisor: the leak scan of the kernel heap and the roots it starts from. */
@Component(service = AiCommands.class)
@GogoCommand(scope = "ai", function = {"leaks", "root"})
public class AiCommands {

    @Reference
    LeakDetector leaks;

    @Descriptor("scan from the registered roots and list the live heap blocks nothing reaches")
    public Object leaks() {
        return Commands.run("ai:leaks", () -> {
            LeakReport r = leaks.scan();
            Table t = new Table("ADDRESS", ">BYTES", ">OWNER", "SITE", ">AGE (ms)");
            r.leaks().forEach(l -> t.row(Args.hex32(l.address()), l.size(), l.owner(), l.site(), l.ageMillis()));
            return (r.leaks().isEmpty() ? "" : t.toString()) + String.format(Locale.ROOT,
                    "%d leaks; %d blocks and %s scanned in %.3f ms%n", r.leaks().size(), r.blocksScanned(),
                    Args.bytes(r.bytesScanned()), r.nanos() / 1e6);
        });
    }

    @Descriptor("ai:root add NAME ADDR LENGTH: register kernel data to scan from; ai:root remove NAME")
    public Object root(@Descriptor("add") String action, @Descriptor("the root's name") String name,
            @Descriptor("kernel virtual address") String address, @Descriptor("bytes") String length) {
        return Commands.run("ai:root", () -> {
            Args.choice("action", action, "add");
            long a = Args.address("address", address);
            leaks.addRoot(name, a, Args.number("length", length, 1, Args.MAX_U32));
            return "root " + name + ": " + Args.hex32(a) + " + " + length;
        });
    }

    @Descriptor("ai:root remove NAME: forget a root")
    public Object root(@Descriptor("remove") String action, @Descriptor("the root's name") String name) {
        return Commands.run("ai:root", () -> {
            Args.choice("action", action, "remove");
            leaks.removeRoot(name);
            return "removed root " + name;
        });
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object leaks(String... other) {
        return Commands.usage("ai:leaks", "");
    }

    @Descriptor("with arguments that fit no form above: prints the usage")
    public Object root(String... other) {
        return Commands.usage("ai:root", "add NAME ADDR LENGTH | remove NAME");
    }
}
