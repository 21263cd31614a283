package org.clkernel.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import java.util.ArrayList;
import java.util.List;

import org.ops4j.pax.exam.Option;

/**
 * The framework every integration test boots: Felix with DS, Config Admin, the Gogo runtime and the
 * CLKernel/J bundles, the same builds the runtime jar holds. The jars are the ones
 * {@code copy-dependencies} left in {@code target/bundles}, so a test never sees a stale bundle from
 * the local repository.
 */
final class RuntimeBundles {
    static final String PHYSICAL = "org.clkernel.physical";
    static final String ACTOR = "org.clkernel.actor";
    static final String PAGING = "org.clkernel.paging";
    static final String HEAP = "org.clkernel.heap";
    static final String SLAB = "org.clkernel.slab";

    /** Install order: libraries before the bundles that import them. */
    private static final String[] LIBRARIES = {
        "org.osgi.util.function", "org.osgi.util.promise", "org.osgi.service.component",
        "org.apache.felix.scr", "org.apache.felix.configadmin", "org.apache.felix.gogo.runtime",
        "org.clkernel.api", "org.clkernel.machine",
    };

    private RuntimeBundles() {
    }

    /** Every default CLKernel/J bundle, as the runtime boots them: machine, physical, actor, shell. */
    static Option[] options() {
        return options(PHYSICAL, ACTOR, "org.clkernel.shell");
    }

    /** The default bundles plus the paging bundle and every replacement policy bundle. */
    static Option[] withReplacement() {
        return options(PHYSICAL, ACTOR, PAGING, "org.clkernel.replacement.fifo", "org.clkernel.replacement.lru",
                "org.clkernel.replacement.clock", "org.clkernel.replacement.opt", "org.clkernel.replacement.arc",
                "org.clkernel.replacement.lirs", "org.clkernel.replacement.2q", "org.clkernel.shell");
    }

    /** The default bundles, paging, and the kernel heap with its four strategy bundles. */
    static Option[] withHeap() {
        return options(PHYSICAL, ACTOR, PAGING, HEAP, "org.clkernel.heap.nextfit", "org.clkernel.heap.bestfit",
                "org.clkernel.heap.segfit", "org.clkernel.heap.tlsf", "org.clkernel.shell");
    }

    /** The default bundles and the slab allocator. */
    /** The heap with its strategy bundles and the slab allocator, whose size classes serve small kmallocs. */
    static Option[] withHeapAndSlab() {
        return options(PHYSICAL, ACTOR, PAGING, HEAP, "org.clkernel.heap.tlsf", SLAB, "org.clkernel.shell");
    }

    /** The heap with one strategy bundle and the supervisor's leak scan. */
    static Option[] withHeapAndSupervisor() {
        return options(PHYSICAL, ACTOR, PAGING, HEAP, "org.clkernel.heap.tlsf", "org.clkernel.supervisor", "org.clkernel.shell");
    }

    static Option[] withSlab() {
        return options(PHYSICAL, ACTOR, SLAB, "org.clkernel.shell");
    }

    /**
     * The machine and the shell without the frame allocator and the actors, for tests that write
     * page tables into RAM with mem:poke wherever they like (the allocator keeps its state at 2 MiB).
     */
    static Option[] withoutPhysicalMemory() {
        return options("org.clkernel.shell");
    }

    /** The installed bundle of this symbolic name. */
    static Bundle installed(BundleContext context, String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName + " is installed");
    }

    /** The copied jar of a bundle under test, for an update from its file. */
    static File jar(String symbolicName) {
        File jar = new File(new File(System.getProperty("clkernel.itest.bundles", "target/bundles")), symbolicName + ".jar");
        if (!jar.isFile()) {
            throw new IllegalStateException(jar + " is missing: run the tests with mvn verify, whose"
                    + " pre-integration-test phase copies the bundles there");
        }
        return jar;
    }

    private static Option[] options(String... clkernelBundles) {
        List<Option> options = new ArrayList<>();
        // pax-logging-api, which Pax Exam installs, would otherwise log every bundle event
        options.add(systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"));
        for (String name : LIBRARIES) {
            options.add(bundle(jar(name).toURI().toString()));
        }
        for (String name : clkernelBundles) {
            options.add(bundle(jar(name).toURI().toString()));
        }
        options.add(junitBundles());
        return options.toArray(Option[]::new);
    }
}
