package org.lorapipeline.ingest;

import org.lorapipeline.core.dataset.ArchiveLimits;

/**
 * Bounds on what one submission may bring in, so a hostile or mistaken upload cannot fill the worker's disk.
 *
 * @param maxObjects    objects under an S3 prefix
 * @param maxTotalBytes bytes under an S3 prefix
 * @param archive       limits for an uploaded zip (entries, sizes, compression ratio)
 */
public record IngestLimits(int maxObjects, long maxTotalBytes, ArchiveLimits archive) {
    public IngestLimits {
        if (maxObjects < 1) {
            throw new IllegalArgumentException("maxObjects must be >= 1, got " + maxObjects);
        }
        if (maxTotalBytes < 1) {
            throw new IllegalArgumentException("maxTotalBytes must be >= 1, got " + maxTotalBytes);
        }
        if (archive == null) {
            throw new IllegalArgumentException("archive limits must be set");
        }
    }

    public static IngestLimits defaults() {
        return new IngestLimits(20_000, 8L << 30, ArchiveLimits.defaults());
    }
}
