package org.lorapipeline.core.label;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipeline.core.caption.TagKind;

/**
 * One tag category (subject, style, lighting, ...) with how its tags are scored and written.
 *
 * @param name      the category name (the file's stem)
 * @param kind      how its tags appear in a structured caption: CORE {@code **..**}, MOOD {@code *..*}, PLAIN
 * @param templates prompt templates, {@code {}} standing for the tag; a tag's text embedding is the normalised
 *                  mean over its templates (CLIP's prompt ensembling)
 * @param threshold minimum cosine similarity between image and tag embedding for the tag to be kept
 * @param topK      at most this many tags of the category per image
 * @param tags      tag to its own prompt, or to null when the templates apply; insertion order kept
 */
public record TagCategory(String name, TagKind kind, List<String> templates, float threshold, int topK,
                          Map<String, String> tags) {
    public TagCategory {
        if (name == null || !name.matches("[a-z0-9][a-z0-9_-]*")) {
            throw new IllegalArgumentException("category name must be lower-case letters, digits, '_' or '-', got '"
                    + name + "'");
        }
        if (kind == null) {
            throw new IllegalArgumentException("category " + name + ": kind must be set");
        }
        if (templates == null || templates.isEmpty()) {
            throw new IllegalArgumentException("category " + name + ": at least one @template is needed");
        }
        for (String t : templates) {
            if (!t.contains("{}")) {
                throw new IllegalArgumentException("category " + name + ": template '" + t + "' has no {} for the tag");
            }
        }
        if (!(threshold >= -1f && threshold <= 1f)) {
            throw new IllegalArgumentException("category " + name + ": threshold must be a cosine in [-1, 1], got "
                    + threshold);
        }
        if (topK <= 0) {
            throw new IllegalArgumentException("category " + name + ": top_k must be > 0, got " + topK);
        }
        if (tags == null || tags.isEmpty()) {
            throw new IllegalArgumentException("category " + name + ": no tags");
        }
        for (String tag : tags.keySet()) {
            if (tag.isBlank() || !tag.equals(tag.strip()) || tag.indexOf(',') >= 0 || tag.indexOf('*') >= 0) {
                throw new IllegalArgumentException("category " + name + ": tag '" + tag + "' must be trimmed and"
                        + " free of ',' and '*' (they are caption syntax)");
            }
        }
        templates = List.copyOf(templates);
        tags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    /** Tags in file order. */
    public List<String> tagList() {
        return List.copyOf(tags.keySet());
    }

    /** The prompts whose embeddings are averaged for a tag. */
    public List<String> prompts(String tag) {
        if (!tags.containsKey(tag)) {
            throw new IllegalArgumentException("category " + name + " has no tag '" + tag + "'");
        }
        String own = tags.get(tag);
        if (own != null) {
            return List.of(own);
        }
        List<String> out = new ArrayList<>(templates.size());
        for (String t : templates) {
            out.add(t.replace("{}", tag));
        }
        return out;
    }
}
