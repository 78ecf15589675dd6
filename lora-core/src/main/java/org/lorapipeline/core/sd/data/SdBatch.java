package org.lorapipeline.core.sd.data;

import java.util.List;

/**
 * One training step's images, all of one bucket. With repeats the same image may appear more than once (kohya
 * expands repeats before batching, so it can too).
 */
public record SdBatch(Bucket bucket, List<SdImage> images) {
    public SdBatch {
        if (bucket == null) {
            throw new IllegalArgumentException("bucket must not be null");
        }
        if (images == null || images.isEmpty()) {
            throw new IllegalArgumentException("a batch holds at least one image (bucket " + bucket + ")");
        }
        images = List.copyOf(images);
    }
}
