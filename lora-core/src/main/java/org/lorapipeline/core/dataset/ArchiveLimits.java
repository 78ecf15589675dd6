package org.lorapipeline.core.dataset;

/**
 * Bounds for {@link SafeArchive#extract}. Sizes are checked against bytes actually inflated, never header fields.
 *
 * @param maxEntries          entries in the central directory (files and folders)
 * @param maxEntryBytes       uncompressed bytes of any one entry
 * @param maxTotalBytes       uncompressed bytes of all entries together
 * @param maxCompressionRatio uncompressed/compressed bytes of an entry (and of the archive), enforced once more
 *                            than {@link #RATIO_FLOOR_BYTES} came out, so tiny caption files that shrink 50x pass
 */
public record ArchiveLimits(int maxEntries, long maxEntryBytes, long maxTotalBytes, double maxCompressionRatio) {
    public static final long RATIO_FLOOR_BYTES = 1L << 20;

    public ArchiveLimits {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be >= 1, got " + maxEntries);
        }
        if (maxEntryBytes < 1 || maxTotalBytes < 1) {
            throw new IllegalArgumentException("maxEntryBytes and maxTotalBytes must be >= 1");
        }
        if (!(maxCompressionRatio >= 1)) {
            throw new IllegalArgumentException("maxCompressionRatio must be >= 1, got " + maxCompressionRatio);
        }
    }

    /** 20k entries, 1 GiB per entry (large JSONL), 8 GiB in total, ratio 100 (images barely compress). */
    public static ArchiveLimits defaults() {
        return new ArchiveLimits(20_000, 1L << 30, 8L << 30, 100);
    }
}
