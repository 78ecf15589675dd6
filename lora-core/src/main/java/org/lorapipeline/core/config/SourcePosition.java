package org.lorapipeline.core.config;

import org.yaml.snakeyaml.error.Mark;

/** A 1-based line and column in a config file; {@link #NONE} when a key was not written. */
public record SourcePosition(int line, int column) {
    public static final SourcePosition NONE = new SourcePosition(0, 0);

    public SourcePosition {
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("line/column must be >= 0");
        }
    }

    /** snakeyaml marks are 0-based. */
    static SourcePosition of(Mark mark) {
        return mark == null ? NONE : new SourcePosition(mark.getLine() + 1, mark.getColumn() + 1);
    }
}
