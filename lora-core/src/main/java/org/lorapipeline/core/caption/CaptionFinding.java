package org.lorapipeline.core.caption;

import java.util.Locale;
import org.lorapipeline.core.dataset.Severity;

/**
 * One finding of {@link CaptionLinter}.
 *
 * @param file    dataset-relative file ({@code metadata.csv} or an image), never null
 * @param line    1-based line in {@code file}, 0 when the finding is about the whole file
 * @param column  1-based column in that line (bytes for {@link Code#NOT_UTF8}), 0 when unknown
 * @param message what is wrong and what to do
 */
public record CaptionFinding(Severity severity, Code code, String file, int line, int column, String message) {
    /** What kind of finding this is. */
    public enum Code {
        NO_METADATA, NOT_UTF8, CSV_HEADER, CSV_ROW, PATH_OUTSIDE_DATASET, FILE_MISSING, DUPLICATE_ROW, NO_ROW,
        CAPTION_EMPTY, MARKUP, DUPLICATE_TAG, TOO_LONG
    }

    public CaptionFinding {
        if (severity == null || code == null || file == null) {
            throw new IllegalArgumentException("severity, code and file must not be null");
        }
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("line and column must be >= 0, got " + line + ":" + column);
        }
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("message must not be blank");
        }
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** Compiler style, so editors jump to it: {@code metadata.csv:3:14: error: message}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(file);
        if (line > 0) {
            out.append(':').append(line).append(':').append(Math.max(column, 1));
        }
        return out.append(": ").append(severity.name().toLowerCase(Locale.ROOT)).append(": ").append(message)
                .toString();
    }
}
