package org.lorapipeline.core.label;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.lorapipeline.core.caption.StructuredCaption;
import org.lorapipeline.core.caption.TagGroup;
import org.lorapipeline.core.caption.TagKind;

/**
 * Turns ranked tags into a structured caption: core tags (subject, style) first as {@code **..**}, then plain
 * tags, then mood and lighting as {@code *..*}, e.g.
 * {@code **cyberpunk cityscape, ink wash**, neon lights, rain, *moody, high contrast*}. Within a group tags keep
 * the ranker's order (category order, best first); a tag that two categories both chose appears once.
 */
public final class CaptionComposer {
    private final TagVocabulary vocabulary;

    public CaptionComposer(TagVocabulary vocabulary) {
        this.vocabulary = vocabulary;
    }

    public StructuredCaption compose(List<ScoredTag> tags) {
        List<TagGroup> groups = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (TagKind kind : List.of(TagKind.CORE, TagKind.PLAIN, TagKind.MOOD)) {
            List<String> group = new ArrayList<>();
            for (ScoredTag t : tags) {
                if (vocabulary.category(t.category()).kind() == kind && seen.add(t.tag().toLowerCase(Locale.ROOT))) {
                    group.add(t.tag());
                }
            }
            if (!group.isEmpty()) {
                groups.add(new TagGroup(kind, group));
            }
        }
        return new StructuredCaption(groups);
    }
}
