package org.clkernel.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
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
    /** Install order: libraries before the bundles that import them. */
    private static final String[] BUNDLES = {
        "org.osgi.util.function", "org.osgi.util.promise", "org.osgi.service.component",
        "org.apache.felix.scr", "org.apache.felix.configadmin", "org.apache.felix.gogo.runtime",
        "org.clkernel.api", "org.clkernel.machine", "org.clkernel.shell",
    };

    private RuntimeBundles() {
    }

    static Option[] options() {
        File dir = new File(System.getProperty("clkernel.itest.bundles", "target/bundles"));
        List<Option> options = new ArrayList<>();
        // pax-logging-api, which Pax Exam installs, would otherwise log every bundle event
        options.add(systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"));
        for (String name : BUNDLES) {
            File jar = new File(dir, name + ".jar");
            if (!jar.isFile()) {
                throw new IllegalStateException(jar + " is missing: run the tests with mvn verify, whose"
                        + " pre-integration-test phase copies the bundles there");
            }
            options.add(bundle(jar.toURI().toString()));
        }
        options.add(junitBundles());
        return options.toArray(Option[]::new);
    }
}
