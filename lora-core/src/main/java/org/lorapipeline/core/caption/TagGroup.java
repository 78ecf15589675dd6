package org.lorapipeline.core.caption;

import java.util.List;

/**
 * A run of tags of one kind, in caption order: {@code **a, b**} is one CORE group of two tags.
 *
 * @param kind the role of every tag in the group
 * @param tags trimmed, non-empty tags without commas or asterisks
 */
public record TagGroup(TagKind kind, List<String> tags) {
    public TagGroup {
        if (kind == null) {
            throw new IllegalArgumentException("kind must not be null");
        }
        if (tags == null || tags.isEmpty()) {
            throw new IllegalArgumentException("tags must not be empty (kind " + kind + ")");
        }
        tags = List.copyOf(tags);
        for (String tag : tags) {
            if (tag.isBlank() || !tag.equals(tag.strip()) || tag.indexOf(',') >= 0 || tag.indexOf('*') >= 0) {
                throw new IllegalArgumentException(
                        "tags must be trimmed, non-empty and free of ',' and '*', got '" + tag + "'");
            }
        }
    }

    /** The group as written in a caption, e.g. {@code **a, b**}. */
    public String render() {
        return kind.marker() + String.join(", ", tags) + kind.marker();
    }
}
