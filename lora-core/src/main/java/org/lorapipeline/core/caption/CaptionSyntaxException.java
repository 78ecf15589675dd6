package org.lorapipeline.core.caption;

/**
 * Broken caption markup (unbalanced or nested {@code **}/{@code *}, empty group, marker inside a tag).
 * {@link #column()} is 1-based within the caption text; callers that know the file add file and line.
 */
public final class CaptionSyntaxException extends IllegalArgumentException {
    private final int column;
    private final String reason;

    public CaptionSyntaxException(int column, String reason) {
        super("caption column " + column + ": " + reason);
        this.column = column;
        this.reason = reason;
    }

    /** 1-based column of the offending character in the caption. */
    public int column() {
        return column;
    }

    /** What is wrong and what to do, without the column prefix. */
    public String reason() {
        return reason;
    }
}
