package org.lorapipeline.core.config;

import java.util.Comparator;

/**
 * One thing wrong with a run config, located in its file.
 *
 * @param source  the file name (or the name given to {@link RunConfig#parse})
 * @param line    1-based line, 0 when the problem has no place in the file (a missing key)
 * @param column  1-based column, 0 when unknown
 * @param key     the config key concerned, or {@code null} for problems with the file itself
 * @param message what is wrong and what to do
 */
public record ConfigProblem(String source, int line, int column, String key, String message) {
    /** File order; problems without a line (missing keys) come last. */
    public static final Comparator<ConfigProblem> BY_POSITION = Comparator
            .comparingInt((ConfigProblem p) -> p.line == 0 ? Integer.MAX_VALUE : p.line)
            .thenComparingInt(ConfigProblem::column);

    public ConfigProblem {
        if (source == null || message == null) {
            throw new IllegalArgumentException("source and message are required");
        }
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("line/column must be >= 0");
        }
    }

    /** {@code file:line:col: key: message}, leaving out the parts that are unknown. */
    public String format() {
        StringBuilder sb = new StringBuilder(source);
        if (line > 0) {
            sb.append(':').append(line);
            if (column > 0) {
                sb.append(':').append(column);
            }
        }
        sb.append(": ");
        if (key != null) {
            sb.append(key).append(": ");
        }
        return sb.append(message).toString();
    }

    @Override
    public String toString() {
        return format();
    }
}
