package org.lorapipeline.core.label;

import java.nio.file.Path;
import java.util.List;
import org.lorapipeline.core.caption.StructuredCaption;

/**
 * The labelling result for one image: its kept tags and structured caption, or why it failed.
 *
 * @param image   the image file
 * @param tags    kept tags, category by category, best first (empty on failure)
 * @param caption the structured caption (empty on failure or when no tag passed its threshold)
 * @param tokens  CLIP content tokens of the caption's plain text, -1 when no tokenizer was given
 * @param error   why the image could not be labelled, null on success
 */
public record ImageLabel(Path image, List<ScoredTag> tags, StructuredCaption caption, int tokens, String error) {
    public ImageLabel {
        if (image == null) {
            throw new IllegalArgumentException("image must be set");
        }
        tags = List.copyOf(tags);
        if (caption == null) {
            throw new IllegalArgumentException("caption must be set (empty on failure)");
        }
    }

    static ImageLabel failed(Path image, String error) {
        return new ImageLabel(image, List.of(), StructuredCaption.empty(), -1, error);
    }

    public boolean ok() {
        return error == null;
    }

    /** True when CLIP would cut the caption (more than 75 content tokens). */
    public boolean exceedsContext() {
        return tokens > 75;
    }
}
