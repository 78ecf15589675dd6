package org.lorapipeline.core.config;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.lorapipeline.core.config.YamlDocument.Entry;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The second pass: turns one key's YAML node into a Java value of the key's type and checks its range.
 * Extends SafeConstructor only to reuse its YAML 1.1 number and boolean rules (0x10, 1_000, .inf, yes/no).
 */
final class ValueReader extends SafeConstructor {
    /** Returned when the value was wrong; the problem has been recorded. */
    static final Object INVALID = new Object();

    // snakeyaml follows YAML 1.1, where a float needs a dot: `2e-4` is a string. Users copy `2e-4` from the
    // seeds and from kohya docs, so number-shaped strings are accepted for numeric keys.
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
    private static final Pattern WHOLE = Pattern.compile("[-+]?\\d+");

    private final String source;
    private final List<ConfigProblem> problems;

    ValueReader(String source, List<ConfigProblem> problems) {
        super(YamlDocument.loaderOptions());
        this.source = source;
        this.problems = problems;
    }

    /** The typed value, {@code null} for an explicit YAML null ({@code key:} or {@code ~}), or {@link #INVALID}. */
    Object read(Entry entry) {
        ConfigKey key = entry.key();
        Node node = entry.value();
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) {
            return null;
        }
        Object value;
        try {
            value = switch (key.type()) {
                case STRING_LIST, CHOICE_LIST -> readList(entry);
                default -> node instanceof ScalarNode s ? readScalar(key, s) : fail(entry, node,
                        "expects a single value, found a " + YamlDocument.describe(node));
            };
        } catch (BadValue e) {
            return fail(entry, node, e.getMessage());
        }
        if (value == INVALID) {
            return INVALID;
        }
        String violation = key.violation(value);
        return violation == null ? value : fail(entry, node, violation);
    }

    /** A value of the wrong type; its message says what was expected. */
    private static final class BadValue extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadValue(String message) {
            super(message, null, false, false);
        }
    }

    private Object readScalar(ConfigKey key, ScalarNode node) {
        String text = node.getValue();
        Tag tag = node.getTag();
        return switch (key.type()) {
            case STRING, PATH -> text;
            case INT -> readInt(tag, node, text);
            case FLOAT -> readFloat(tag, node, text);
            case BOOL -> {
                if (tag.equals(Tag.BOOL)) {
                    yield constructObject(node);
                }
                String t = text.trim().toLowerCase(Locale.ROOT);
                if (t.equals("true") || t.equals("false")) {
                    yield Boolean.valueOf(t);
                }
                throw new BadValue("must be true or false, got '" + text + "'");
            }
            case CHOICE -> readChoice(key, tag, text);
            default -> throw new IllegalStateException("not a scalar type: " + key.type());
        };
    }

    private Object readInt(Tag tag, ScalarNode node, String text) {
        BigInteger n = null;
        if (tag.equals(Tag.INT)) {
            Object v = constructObject(node);
            n = v instanceof BigInteger b ? b : BigInteger.valueOf(((Number) v).longValue());
        } else if (tag.equals(Tag.STR) && WHOLE.matcher(text.trim()).matches()) {
            n = new BigInteger(text.trim());
        }
        if (n == null) {
            String hint = tag.equals(Tag.FLOAT) || NUMBER.matcher(text.trim()).matches()
                    ? " (write a whole number such as 10)" : "";
            throw new BadValue("must be a whole number, got '" + text + "'" + hint);
        }
        if (n.bitLength() > 31) {
            throw new BadValue("is too large: " + n + " (at most " + Integer.MAX_VALUE + ")");
        }
        return n.intValue();
    }

    private Object readFloat(Tag tag, ScalarNode node, String text) {
        double d;
        if (tag.equals(Tag.INT) || tag.equals(Tag.FLOAT)) {
            d = ((Number) constructObject(node)).doubleValue();
        } else if (tag.equals(Tag.STR) && NUMBER.matcher(text.trim()).matches()) {
            d = Double.parseDouble(text.trim());
        } else {
            throw new BadValue("must be a number such as 2e-4 or 0.0002, got '" + text + "'");
        }
        if (!Double.isFinite(d)) {
            throw new BadValue("must be a finite number, got '" + text + "'");
        }
        return d;
    }

    private String readChoice(ConfigKey key, Tag tag, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        // `mixed_precision: false` reads as "no precision mode", the way accelerate treats it.
        if (tag.equals(Tag.BOOL) && key.choices().contains("no") && List.of("false", "off", "no").contains(t)) {
            return "no";
        }
        if (key.choices().contains(t)) {
            return t;
        }
        StringBuilder sb = new StringBuilder("must be one of " + String.join(", ", key.choices())
                + ", got '" + text + "'");
        Suggestions.closest(t, key.choices()).ifPresent(s -> sb.append("; did you mean `").append(s).append("`?"));
        throw new BadValue(sb.toString());
    }

    private Object readList(Entry entry) {
        ConfigKey key = entry.key();
        Node node = entry.value();
        if (!(node instanceof SequenceNode seq)) {
            return fail(entry, node, "must be a list, for example " + (key.type() == ConfigKey.ValueType.CHOICE_LIST
                    ? "[\"" + key.choices().get(0) + "\"]" : "[\"first\", \"second\"]") + ", found a "
                    + YamlDocument.describe(node));
        }
        List<String> items = new ArrayList<>();
        Set<String> unique = new LinkedHashSet<>();
        boolean ok = true;
        for (Node item : seq.getValue()) {
            if (!(item instanceof ScalarNode s) || s.getTag().equals(Tag.NULL)) {
                ok = false;
                fail(entry, item, "list entries must be single values, found a " + YamlDocument.describe(item));
                continue;
            }
            String text = s.getValue();
            if (key.type() == ConfigKey.ValueType.CHOICE_LIST) {
                try {
                    text = readChoice(key, s.getTag(), text);
                } catch (BadValue e) {
                    ok = false;
                    fail(entry, item, "entry " + e.getMessage());
                    continue;
                }
            }
            if (!unique.add(text)) {
                ok = false;
                fail(entry, item, "lists '" + text + "' twice; remove the repeat");
                continue;
            }
            items.add(text);
        }
        return ok ? List.copyOf(items) : INVALID;
    }

    private Object fail(Entry entry, Node at, String message) {
        problems.add(YamlDocument.at(source, SourcePosition.of(at.getStartMark()), entry.writtenName(), message));
        return INVALID;
    }
}
