package org.lorapipeline.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The commented starter configs that {@code lora init llm|sd} prints: copy one and change a few keys. */
public final class ConfigTemplates {
    private static final List<String> NAMES = List.of("llm", "sd");

    private ConfigTemplates() {}

    public static List<String> names() {
        return NAMES;
    }

    /** The template text for {@code llm} or {@code sd}. */
    public static String text(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown template '" + name + "'; choose one of " + NAMES);
        }
        try (InputStream in = ConfigTemplates.class.getResourceAsStream(name + ".yaml")) {
            if (in == null) {
                throw new IllegalStateException("template resource missing from the jar: " + name + ".yaml");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
