package org.clkernel.itests;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;

import org.clkernel.itests.faulty.FaultyActivator;
import org.clkernel.itests.faulty.FaultyStrategy;
import org.ops4j.pax.tinybundles.TinyBundles;
import org.osgi.framework.Constants;

/**
 * Builds the bundles of {@link FaultyStrategy} with TinyBundles, from the compiled test classes,
 * one bundle per misbehaviour, into jars beside the copied bundles under test. Used where the
 * test's configuration is made, outside the framework; a test installs a jar by its location.
 */
final class FaultyBundles {
    private static final String SYMBOLIC_NAME_PREFIX = "org.clkernel.itests.faulty.";

    private FaultyBundles() {
    }

    private static String symbolicName(String mode) {
        return SYMBOLIC_NAME_PREFIX + mode;
    }

    /**
     * Writes the bundle whose strategy answers {@code goodFinds} calls of find right, then
     * misbehaves as {@code mode}. @return its location, a file URI
     */
    static String write(String mode, int goodFinds) {
        File target = new File(RuntimeBundles.jar("org.clkernel.heap").getParentFile().getParentFile(), "faulty-bundles");
        File jar = new File(target, symbolicName(mode) + ".jar");
        try (InputStream in = TinyBundles.bundle()
                .addClass(FaultyStrategy.class)
                .addClass(FaultyActivator.class)
                .setHeader(Constants.BUNDLE_MANIFESTVERSION, "2")
                .setHeader(Constants.BUNDLE_SYMBOLICNAME, symbolicName(mode))
                .setHeader(Constants.BUNDLE_VERSION, "1.0.0")
                .setHeader(Constants.BUNDLE_ACTIVATOR, FaultyActivator.class.getName())
                .setHeader(Constants.IMPORT_PACKAGE,
                        "org.clkernel.api.heap;version=\"[2.0,3)\",org.osgi.framework;version=\"[1.8,2)\"")
                .setHeader(FaultyActivator.MODE_HEADER, mode)
                .setHeader(FaultyActivator.GOOD_FINDS_HEADER, Integer.toString(goodFinds))
                .build(TinyBundles.rawBuilder())) {
            Files.createDirectories(target.toPath());
            Files.copy(in, jar.toPath(), StandardCopyOption.REPLACE_EXISTING);
            return jar.toURI().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
