package org.lorapipeline.core.peft;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes JSON the way Python's {@code json.dumps(obj, indent=2, sort_keys=True)} does (what PEFT uses for
 * {@code adapter_config.json}): {@code ", "} becomes {@code ","}+newline, {@code ": "} between key and value,
 * empty containers as {@code {}} / {@code []}, ASCII-only strings, Python float repr ({@code 8.0}, {@code 1e-05}).
 * Jackson's pretty printer differs in spacing and number forms, hence this small writer.
 */
public final class PythonJson {
    private PythonJson() {}

    /** Values: Map (String keys), List, String, Boolean, Integer/Long, Float/Double, or null. */
    public static String dumps(Object value, int indent) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, indent, 0);
        return sb.toString();
    }

    /**
     * Python's {@code json.dumps(obj)} with its defaults: one line, separators {@code ", "} and {@code ": "}, keys in
     * the map's own order (kohya's {@code ss_tag_frequency}, {@code ss_dataset_dirs}, ...).
     */
    public static String dumpsInline(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, -1, 0);
        return sb.toString();
    }

    /** {@code indent < 0}: one line, insertion order; otherwise indented with sorted keys. */
    private static void write(StringBuilder sb, Object v, int indent, int level) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Boolean b) {
            sb.append(b ? "true" : "false");
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            sb.append(((Number) v).longValue());
        } else if (v instanceof Float || v instanceof Double) {
            sb.append(floatRepr(((Number) v).doubleValue()));
        } else if (v instanceof String s) {
            string(sb, s);
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                sb.append("{}");
                return;
            }
            Map<String, Object> sorted = indent < 0 ? new java.util.LinkedHashMap<>() : new TreeMap<>();
            m.forEach((k, x) -> sorted.put(String.valueOf(k), x));
            sb.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                sb.append(first ? "" : indent < 0 ? ", " : ",");
                first = false;
                newline(sb, indent, level + 1);
                string(sb, e.getKey());
                sb.append(": ");
                write(sb, e.getValue(), indent, level + 1);
            }
            newline(sb, indent, level);
            sb.append('}');
        } else if (v instanceof List<?> list) {
            if (list.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                sb.append(i == 0 ? "" : indent < 0 ? ", " : ",");
                newline(sb, indent, level + 1);
                write(sb, list.get(i), indent, level + 1);
            }
            newline(sb, indent, level);
            sb.append(']');
        } else {
            throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as JSON");
        }
    }

    private static void newline(StringBuilder sb, int indent, int level) {
        if (indent < 0) {
            return;
        }
        sb.append('\n').append(" ".repeat(indent * level));
    }

    /** Python's json string escaping with ensure_ascii=True. */
    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7E) {
                        sb.append(String.format("\\u%04x", (int) c)); // surrogate halves stay separate, as Python does
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Python's {@code repr(float)}: shortest digits, fixed notation for 1e-4 <= |x| < 1e16, else {@code 1e-05}. */
    public static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        String digits = bd.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - bd.scale(); // decimal exponent of the leading digit
        String sign = d < 0 ? "-" : "";
        if (exp >= -4 && exp < 16) {
            String plain = bd.abs().toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String e = String.format("%s%02d", exp < 0 ? "-" : "+", Math.abs(exp));
        return sign + mantissa + "e" + e;
    }
}
