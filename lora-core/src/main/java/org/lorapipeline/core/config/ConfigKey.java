package org.lorapipeline.core.config;

import java.util.List;

/**
 * One key of the flat run-config YAML, described as data so the loader, the writer, the templates and
 * {@code docs/config.md} all check against the same list.
 *
 * @param name       canonical name, as the seeds and kohya write it
 * @param aliases    other names users know (kohya, diffusers); they resolve to {@code name}
 * @param type       how the YAML value is read
 * @param applies    which model families use the key; giving it for another family is an error
 * @param choices    allowed names for {@link ValueType#CHOICE} and {@link ValueType#CHOICE_LIST}, else empty
 * @param optional   true when "not set" is a valid state (no default value)
 * @param constraint range rule checked on load and again in the record constructors
 */
public record ConfigKey(String name, List<String> aliases, ValueType type, Applies applies, List<String> choices,
                        boolean optional, Constraint constraint) {

    public enum ValueType { STRING, PATH, INT, FLOAT, BOOL, CHOICE, STRING_LIST, CHOICE_LIST }

    /** Which model families a key is for. */
    public enum Applies {
        ALL, LLM, SD;

        public boolean to(ModelFamily family) {
            return this == ALL || name().equals(family.name());
        }
    }

    public ConfigKey {
        if (name == null || name.isBlank() || type == null || applies == null || constraint == null) {
            throw new IllegalArgumentException("config key needs name, type, applies and constraint");
        }
        aliases = List.copyOf(aliases);
        choices = List.copyOf(choices);
    }

    /** Returns the rule's complaint about {@code value}, or {@code null} when it is fine. */
    public String violation(Object value) {
        return value == null ? null : constraint.violation(value);
    }

    /** For record constructors: throws IllegalArgumentException naming this key when {@code value} breaks the rule. */
    public void require(Object value) {
        if (value == null && !optional) {
            throw new IllegalArgumentException(name + ": a value is required");
        }
        String v = violation(value);
        if (v != null) {
            throw new IllegalArgumentException(name + ": " + v);
        }
    }
}
