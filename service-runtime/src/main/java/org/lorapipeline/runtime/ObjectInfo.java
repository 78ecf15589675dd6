package org.lorapipeline.runtime;

import java.time.Instant;

/** One entry of a listing. Listings carry no user metadata, so no checksum: use {@link ObjectStore#stat} for that. */
public record ObjectInfo(String key, long sizeBytes, Instant lastModified) {
    public ObjectInfo {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("key must not be empty");
        }
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("sizeBytes must be >= 0 for " + key);
        }
    }
}
