package org.lorapipeline.core.dataset;

/** Where an image's caption came from. */
public enum CaptionSource {
    /** A row of metadata.csv. */
    CSV,
    /** A line of metadata.jsonl. */
    JSONL,
    /** A same-stem {@code .caption} or {@code .txt} file. */
    CAPTION_FILE,
    /** kohya's fallback: the folder name after the first {@code _}. */
    CLASS_TOKEN,
    /** No caption at all (label-service may caption it later). */
    NONE
}
