package org.lorapipeline.core.dataset;

/**
 * One finding of an inspection.
 *
 * @param file    path relative to the dataset root with {@code /} separators, "" for the dataset as a whole
 * @param line    1-based line in {@code file}, 0 when not applicable
 * @param column  1-based column in that line, 0 when not applicable
 * @param message what is wrong and what to do
 */
public record Problem(Severity severity, ProblemCode code, String file, int line, int column, String message) {
    public Problem {
        if (severity == null || code == null) {
            throw new IllegalArgumentException("severity and code must not be null");
        }
        if (file == null) {
            throw new IllegalArgumentException("file must not be null (use \"\" for the whole dataset)");
        }
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("line and column must be >= 0, got " + line + ":" + column);
        }
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("message must not be blank");
        }
    }

    /** {@code ERROR IMAGE_TRUNCATED 10_cat/a.png: message} or {@code ... metadata.csv:3:12: message}. */
    @Override
    public String toString() {
        StringBuilder where = new StringBuilder(file.isEmpty() ? "dataset" : file);
        if (line > 0) {
            where.append(':').append(line);
            if (column > 0) {
                where.append(':').append(column);
            }
        }
        return severity + " " + code + " " + where + ": " + message;
    }
}
