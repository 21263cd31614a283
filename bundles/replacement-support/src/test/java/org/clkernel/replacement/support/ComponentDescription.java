package org.clkernel.replacement.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.clkernel.api.replacement.ReplacementPolicy;

/** The DS descriptor bnd generated for a policy component from its annotations. */
public final class ComponentDescription {

    private ComponentDescription() {
    }

    /** The descriptor's XML, read from the component's own module. */
    public static String of(Class<?> component) {
        String path = "/OSGI-INF/" + component.getName() + ".xml";
        try (InputStream in = component.getResourceAsStream(path)) {
            if (in == null) {
                throw new AssertionError("no " + path + ": bnd-process did not run?");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Asserts that the component is a prototype-scope {@link ReplacementPolicy} service with this
     * {@link ReplacementPolicy#NAME} and service ranking.
     */
    public static void assertPrototypePolicy(Class<? extends ReplacementPolicy> component, String name, int ranking) {
        String xml = of(component);
        assertTrue(xml.contains("scope=\"prototype\""), xml);
        assertTrue(xml.contains("name=\"" + ReplacementPolicy.NAME + "\"") && xml.contains("value=\"" + name + "\""), xml);
        assertTrue(xml.contains("name=\"service.ranking\"") && xml.contains("type=\"Integer\"") && xml.contains("value=\"" + ranking + "\""), xml);
        assertTrue(xml.contains("interface=\"" + ReplacementPolicy.class.getName() + "\""), xml);
    }
}
