package org.lorapipeline.core.caption;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A caption in the seeds' metadata.csv convention: comma-separated tags where {@code **core tags**} mark the key
 * subject/style, {@code *mood tags*} mark atmosphere and the rest are plain, e.g.
 * {@code **cyberpunk cityscape, ink wash**, neon lights, rain, *moody, high contrast*}.
 *
 * <p>The markers are for people and reports only: {@link #plainText()} (what the tokenizer sees) drops them.
 * {@link #render()} writes the canonical form ({@code ", "} between tags, empty tags dropped), so
 * {@code parse(c.render()).equals(c)} and a caption already in canonical form renders to itself.
 *
 * @param groups the tag groups in caption order; adjacent plain tags form one group
 */
public record StructuredCaption(List<TagGroup> groups) {
    private static final StructuredCaption EMPTY = new StructuredCaption(List.of());

    public StructuredCaption {
        if (groups == null) {
            throw new IllegalArgumentException("groups must not be null");
        }
        groups = List.copyOf(groups);
    }

    /** Parses marked-up caption text; throws {@link CaptionSyntaxException} naming the column on broken markup. */
    public static StructuredCaption parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("caption text must not be null");
        }
        return new StructuredCaption(CaptionParser.parse(text));
    }

    /**
     * Reading for captions whose markup is broken: every {@code *} is dropped and all tags count as plain,
     * so the words still reach the tokenizer while the markup problem is reported elsewhere.
     */
    public static StructuredCaption lenient(String text) {
        List<String> tags = new ArrayList<>();
        for (String part : text.replace("*", "").split(",")) {
            if (!part.isBlank()) {
                tags.add(part.strip());
            }
        }
        return tags.isEmpty() ? EMPTY : new StructuredCaption(List.of(new TagGroup(TagKind.PLAIN, tags)));
    }

    public static StructuredCaption empty() {
        return EMPTY;
    }

    public boolean isEmpty() {
        return groups.isEmpty();
    }

    /** Core tags in caption order, as written (trimmed). */
    public List<String> core() {
        return tagsOf(TagKind.CORE);
    }

    /** Mood tags in caption order, as written (trimmed). */
    public List<String> mood() {
        return tagsOf(TagKind.MOOD);
    }

    /** Unmarked tags in caption order, as written (trimmed). */
    public List<String> plain() {
        return tagsOf(TagKind.PLAIN);
    }

    /** Every tag in caption order, lower-cased, for frequency reports. */
    public List<String> tags() {
        List<String> all = new ArrayList<>();
        for (TagGroup group : groups) {
            for (String tag : group.tags()) {
                all.add(tag.toLowerCase(Locale.ROOT));
            }
        }
        return all;
    }

    /** The caption without markers, tags joined by {@code ", "}: the text that gets tokenized. */
    public String plainText() {
        List<String> all = new ArrayList<>();
        groups.forEach(g -> all.addAll(g.tags()));
        return String.join(", ", all);
    }

    /** The caption with its markers, in canonical spacing. */
    public String render() {
        List<String> parts = new ArrayList<>(groups.size());
        groups.forEach(g -> parts.add(g.render()));
        return String.join(", ", parts);
    }

    private List<String> tagsOf(TagKind kind) {
        List<String> out = new ArrayList<>();
        for (TagGroup group : groups) {
            if (group.kind() == kind) {
                out.addAll(group.tags());
            }
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return render();
    }
}
