package org.lorapipeline.core.dataset;

/**
 * One JSONL text file.
 *
 * @param path            relative to the dataset root ({@code the file name} when a single file was inspected)
 * @param records         valid records (bad lines are not counted)
 * @param responseMarked  records whose text contains {@code ### Response:} (TEXT form only)
 */
public record TextItem(String path, String sha256, long bytes, TextFormat format, long records, long responseMarked) {
    public TextItem {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("path must not be blank");
        }
        if (sha256 == null || sha256.length() != 64) {
            throw new IllegalArgumentException("sha256 must be 64 hex digits for " + path);
        }
        if (format == null) {
            throw new IllegalArgumentException("format must not be null for " + path);
        }
        if (bytes < 0 || records < 0 || responseMarked < 0 || responseMarked > records) {
            throw new IllegalArgumentException("bytes/records/responseMarked out of range for " + path);
        }
    }
}
