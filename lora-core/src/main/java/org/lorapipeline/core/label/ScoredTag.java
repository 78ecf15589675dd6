package org.lorapipeline.core.label;

/**
 * A tag kept for an image.
 *
 * @param category the category name
 * @param tag      the tag text as it goes into the caption
 * @param score    cosine similarity between the image and the tag's prompt embedding
 */
public record ScoredTag(String category, String tag, float score) {
    public ScoredTag {
        if (category == null || tag == null) {
            throw new IllegalArgumentException("category and tag must be set");
        }
        if (Float.isNaN(score)) {
            throw new IllegalArgumentException("score of tag '" + tag + "' is NaN");
        }
    }
}
