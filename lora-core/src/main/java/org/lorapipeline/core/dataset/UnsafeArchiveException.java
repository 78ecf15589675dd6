package org.lorapipeline.core.dataset;

import java.io.IOException;

/** An upload that {@link SafeArchive} refused, naming the entry and the rule it broke. */
public final class UnsafeArchiveException extends IOException {
    /** Which rule was broken. */
    public enum Reason {
        NOT_A_ZIP, TOO_MANY_ENTRIES, ABSOLUTE_PATH, PATH_TRAVERSAL, BAD_NAME, LINK, SPECIAL_FILE, DUPLICATE_ENTRY,
        UNSUPPORTED_ENTRY, ENTRY_TOO_LARGE, TOTAL_TOO_LARGE, COMPRESSION_RATIO
    }

    private final String entry;
    private final Reason reason;

    public UnsafeArchiveException(String entry, Reason reason, String message) {
        super("zip entry '" + entry + "': " + message);
        this.entry = entry;
        this.reason = reason;
    }

    /** The entry name as stored in the archive ("" for the archive as a whole). */
    public String entry() {
        return entry;
    }

    public Reason reason() {
        return reason;
    }
}
