package org.lorapipeline.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** A closed set of values written in YAML by a lower-case name (kohya/PEFT spelling), e.g. {@code bf16}. */
public interface YamlNamed {
    String yamlName();

    /** Finds the constant whose name matches {@code text}, ignoring case. */
    static <E extends Enum<E> & YamlNamed> Optional<E> parse(Class<E> type, String text) {
        String wanted = text.trim().toLowerCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.yamlName().equals(wanted)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    static <E extends Enum<E> & YamlNamed> List<String> names(Class<E> type) {
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.yamlName());
        }
        return List.copyOf(names);
    }
}
