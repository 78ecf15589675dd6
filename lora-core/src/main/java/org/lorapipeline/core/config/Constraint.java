package org.lorapipeline.core.config;

import java.util.List;

/** A range rule on one key's value; returns a message such as "must be at least 1, got 0", or null when fine. */
@FunctionalInterface
public interface Constraint {
    String violation(Object value);

    Constraint NONE = v -> null;

    static Constraint atLeast(long min) {
        return v -> ((Number) v).doubleValue() >= min ? null : "must be at least " + min + ", got " + show(v);
    }

    static Constraint positive() {
        return v -> ((Number) v).doubleValue() > 0 ? null : "must be greater than 0, got " + show(v);
    }

    /** {@code min <= v < max} (or {@code <= max} when {@code maxInclusive}). */
    static Constraint range(double min, double max, boolean maxInclusive) {
        return v -> {
            double d = ((Number) v).doubleValue();
            boolean ok = d >= min && (maxInclusive ? d <= max : d < max);
            return ok ? null : "must be in " + "[" + show(min) + ", " + show(max) + (maxInclusive ? "]" : ")")
                    + ", got " + show(v);
        };
    }

    static Constraint multipleOf(long step, long min) {
        return v -> {
            long n = ((Number) v).longValue();
            if (n < min) {
                return "must be at least " + min + ", got " + n;
            }
            return n % step == 0 ? null : "must be a multiple of " + step + ", got " + n;
        };
    }

    static Constraint notBlank() {
        return v -> v.toString().isBlank() ? "must not be empty" : null;
    }

    static Constraint nonEmptyList() {
        return v -> ((List<?>) v).isEmpty() ? "must list at least one entry (or delete the key to use the default)" : null;
    }

    static String show(Object v) {
        if (v instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
            return Long.toString(d.longValue());
        }
        return String.valueOf(v);
    }
}
