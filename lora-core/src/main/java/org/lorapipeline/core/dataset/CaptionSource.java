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
    /** Written by CLIP auto-labeling (label-service or {@code lora label}). */
    AUTO_LABEL,
    /** No caption at all (label-service may caption it later). */
    NONE
}
