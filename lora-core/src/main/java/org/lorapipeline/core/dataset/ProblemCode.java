package org.lorapipeline.core.dataset;

/**
 * Every kind of finding, with its default severity. The rule behind the defaults: ERROR when training would crash
 * or silently learn from the wrong data (unreadable, undecodable or cut-off files, broken metadata, text that is
 * not UTF-8, rows naming files that do not exist, nothing to train on); WARNING when training still works but the
 * user probably wants to know (duplicates, small images, missing or broken captions that fall back to something);
 * INFO for things deliberately skipped. {@link InspectionRules#severityOverrides()} can change any of them.
 */
public enum ProblemCode {
    NO_ITEMS(Severity.ERROR),
    AMBIGUOUS_LAYOUT(Severity.ERROR),
    UNREADABLE_FILE(Severity.ERROR),
    NOT_UTF8(Severity.ERROR),
    CSV_HEADER(Severity.ERROR),
    CSV_ROW(Severity.ERROR),
    PATH_OUTSIDE_DATASET(Severity.ERROR),
    FILE_MISSING(Severity.ERROR),
    IMAGE_UNSUPPORTED(Severity.ERROR),
    IMAGE_CORRUPT(Severity.ERROR),
    IMAGE_TRUNCATED(Severity.ERROR),
    IMAGE_TOO_LARGE(Severity.ERROR),
    JSON_SYNTAX(Severity.ERROR),
    JSON_FIELD(Severity.ERROR),
    TEXT_FORMAT_MIXED(Severity.ERROR),

    IMAGE_TOO_SMALL(Severity.WARNING),
    IMAGE_WARNING(Severity.WARNING),
    DUPLICATE_IMAGE(Severity.WARNING),
    NEAR_DUPLICATE(Severity.WARNING),
    CAPTION_MISSING(Severity.WARNING),
    CAPTION_EMPTY(Severity.WARNING),
    CAPTION_MARKUP(Severity.WARNING),
    CAPTION_QUOTING(Severity.WARNING),
    DUPLICATE_ROW(Severity.WARNING),
    ORPHAN_CAPTION(Severity.WARNING),
    ZERO_REPEATS(Severity.WARNING),
    TEXT_EMPTY(Severity.WARNING),

    IGNORED_FOLDER(Severity.INFO),
    IGNORED_FILE(Severity.INFO);

    private final Severity defaultSeverity;

    ProblemCode(Severity defaultSeverity) {
        this.defaultSeverity = defaultSeverity;
    }

    public Severity defaultSeverity() {
        return defaultSeverity;
    }
}
