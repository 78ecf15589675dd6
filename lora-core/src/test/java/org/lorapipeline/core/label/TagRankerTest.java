package org.lorapipeline.core.label;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lorapipeline.core.caption.StructuredCaption;
import org.lorapipeline.core.caption.TagKind;

/** Ranking and caption composition on constructed embeddings where the right tags are known. */
class TagRankerTest {
    static TagCategory category(String name, TagKind kind, float threshold, int topK, String... tags) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String t : tags) {
            m.put(t, null);
        }
        return new TagCategory(name, kind, List.of("a photo of {}", "{}"), threshold, topK, m);
    }

    /** Six categories over 15 tags (16-d vectors); tag i's embedding is the basis vector e_i. */
    static final TagVocabulary VOCAB = new TagVocabulary(List.of(
            category("subject", TagKind.CORE, 0.2f, 2, "cyberpunk cityscape", "cat", "forest"),
            category("style", TagKind.CORE, 0.2f, 1, "ink wash", "pixel art"),
            category("lighting", TagKind.MOOD, 0.25f, 2, "high contrast", "soft light"),
            category("colour", TagKind.PLAIN, 0.2f, 2, "pastel colors", "neon lights"),
            category("composition", TagKind.PLAIN, 0.2f, 2, "rain", "close-up", "aerial view"),
            category("mood", TagKind.MOOD, 0.2f, 2, "moody", "cheerful", "serene")));

    static TagEmbeddings basis() {
        Map<String, float[][]> m = new LinkedHashMap<>();
        int at = 0;
        for (TagCategory c : VOCAB.categories()) {
            float[][] rows = new float[c.tags().size()][16];
            for (float[] r : rows) {
                r[at++] = 1f;
            }
            m.put(c.name(), rows);
        }
        return TagEmbeddings.of(VOCAB, m);
    }

    static int index(String tag) {
        int at = 0;
        for (TagCategory c : VOCAB.categories()) {
            for (String t : c.tagList()) {
                if (t.equals(tag)) {
                    return at;
                }
                at++;
            }
        }
        throw new IllegalArgumentException(tag);
    }

    /** An image vector with the given (unnormalised) weight on each tag's axis. */
    static float[] image(Object... tagWeight) {
        float[] v = new float[16];
        for (int i = 0; i < tagWeight.length; i += 2) {
            v[index((String) tagWeight[i])] = ((Number) tagWeight[i + 1]).floatValue();
        }
        return v;
    }

    @Test
    void cosineScoresThresholdsAndTopKPerCategory() {
        TagRanker r = new TagRanker(basis());
        // norm 2.122, so e.g. rain scores 0.236 (kept), soft light 0.188 (< 0.25, dropped)
        float[] img = image("cyberpunk cityscape", 1.2, "cat", 0.6, "forest", 0.5, "ink wash", 0.8, "pixel art",
                0.7, "high contrast", 0.6, "soft light", 0.4, "neon lights", 0.44, "rain", 0.5, "moody", 0.6);
        double norm = 0;
        for (float f : img) {
            norm += f * f;
        }
        assertThat(Math.sqrt(norm)).isCloseTo(2.1222, within(1e-3));
        List<ScoredTag> tags = r.rank(img);
        assertThat(tags).extracting(ScoredTag::tag).containsExactly(
                "cyberpunk cityscape", "cat", // forest (0.25) is third: top_k 2
                "ink wash", // top_k 1 keeps only the best style
                "high contrast", // soft light 0.2 < lighting threshold 0.25
                "neon lights", "rain", "moody");
        assertThat(tags.get(0).score()).isCloseTo(1.2f / (float) Math.sqrt(norm), within(1e-6f));
        assertThat(tags.get(0).category()).isEqualTo("subject");
    }

    @Test
    void scoresListsEveryTagBestFirstWithoutThreshold() {
        TagRanker r = new TagRanker(basis());
        List<ScoredTag> s = r.scores("mood", image("serene", 0.9, "moody", 0.1, "cat", 1));
        assertThat(s).extracting(ScoredTag::tag).containsExactly("serene", "moody", "cheerful");
        assertThat(s.get(2).score()).isEqualTo(0f);
    }

    @Test
    void composesTheStructuredCaptionOfTheSeeds() {
        TagRanker r = new TagRanker(basis());
        float[] img = image("cyberpunk cityscape", 1.2, "ink wash", 0.8, "high contrast", 0.6, "neon lights", 0.7,
                "rain", 0.5, "moody", 0.9);
        StructuredCaption caption = new CaptionComposer(VOCAB).compose(r.rank(img));
        assertThat(caption.render())
                .isEqualTo("**cyberpunk cityscape, ink wash**, neon lights, rain, *high contrast, moody*");
        assertThat(StructuredCaption.parse(caption.render())).isEqualTo(caption);
        assertThat(caption.core()).containsExactly("cyberpunk cityscape", "ink wash");
        assertThat(caption.mood()).containsExactly("high contrast", "moody");
    }

    @Test
    void nothingAboveThresholdGivesAnEmptyCaption() {
        List<ScoredTag> tags = new TagRanker(basis()).rank(image("cat", -1));
        assertThat(tags).isEmpty();
        assertThat(new CaptionComposer(VOCAB).compose(tags).isEmpty()).isTrue();
    }

    @Test
    void promptEnsemblingAveragesTemplateEmbeddings() {
        List<String> seen = new ArrayList<>();
        // each prompt gets its own axis, so a tag's embedding is the normalised sum of its two template axes
        TextEmbedder oneHot = texts -> {
            float[][] out = new float[texts.size()][64];
            for (int i = 0; i < texts.size(); i++) {
                out[i][seen.size()] = 3f; // scale must not matter
                seen.add(texts.get(i));
            }
            return out;
        };
        TagEmbeddings e = TagEmbeddings.compute(VOCAB, oneHot, 5);
        assertThat(seen).hasSize(30).startsWith("a photo of cyberpunk cityscape", "cyberpunk cityscape",
                "a photo of cat");
        float[] cat = e.vectors("subject")[1];
        assertThat(cat[2]).isCloseTo((float) Math.sqrt(0.5), within(1e-6f));
        assertThat(cat[3]).isCloseTo((float) Math.sqrt(0.5), within(1e-6f));
        float[] img = new float[64];
        img[2] = 1f; // matches only the "a photo of cat" prompt
        assertThat(new TagRanker(e).scores("subject", img).get(0))
                .isEqualTo(new ScoredTag("subject", "cat", (float) Math.sqrt(0.5)));
    }

    @Test
    void embeddingSizeMismatchIsExplained() {
        assertThatThrownBy(() -> new TagRanker(basis()).rank(new float[8]))
                .hasMessageContaining("8").hasMessageContaining("16").hasMessageContaining("same model");
    }
}
