package org.lorapipeline.core.label;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Unit-length text embeddings of every tag, per category: each tag's prompts (one per template) are embedded,
 * averaged and renormalised, as CLIP's zero-shot prompt ensembling does. Computed once per vocabulary and model,
 * then reused for every image.
 */
public final class TagEmbeddings {
    private final TagVocabulary vocabulary;
    private final Map<String, float[][]> byCategory;
    private final int dim;

    private TagEmbeddings(TagVocabulary vocabulary, Map<String, float[][]> byCategory, int dim) {
        this.vocabulary = vocabulary;
        this.byCategory = byCategory;
        this.dim = dim;
    }

    /**
     * Embeds all prompts of the vocabulary.
     *
     * @param batchSize prompts per call to the embedder
     */
    public static TagEmbeddings compute(TagVocabulary vocabulary, TextEmbedder embedder, int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be > 0, got " + batchSize);
        }
        List<String> prompts = new ArrayList<>();
        for (TagCategory c : vocabulary.categories()) {
            for (String tag : c.tagList()) {
                prompts.addAll(c.prompts(tag));
            }
        }
        List<float[]> vectors = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i += batchSize) {
            List<String> batch = prompts.subList(i, Math.min(prompts.size(), i + batchSize));
            float[][] e = embedder.embed(batch);
            if (e.length != batch.size()) {
                throw new IllegalStateException("text embedder returned " + e.length + " rows for " + batch.size()
                        + " prompts");
            }
            vectors.addAll(List.of(e));
        }
        return fromPromptVectors(vocabulary, vectors);
    }

    /** Builds from one vector per prompt, in {@link #compute}'s order (category, tag, template). */
    static TagEmbeddings fromPromptVectors(TagVocabulary vocabulary, List<float[]> vectors) {
        int dim = vectors.get(0).length;
        Map<String, float[][]> out = new LinkedHashMap<>();
        int at = 0;
        for (TagCategory c : vocabulary.categories()) {
            List<String> tags = c.tagList();
            float[][] rows = new float[tags.size()][];
            for (int t = 0; t < tags.size(); t++) {
                int n = c.prompts(tags.get(t)).size();
                float[] mean = new float[dim];
                for (int k = 0; k < n; k++) {
                    float[] v = unit(vectors.get(at++));
                    if (v.length != dim) {
                        throw new IllegalStateException("embedding sizes differ: " + v.length + " vs " + dim);
                    }
                    for (int d = 0; d < dim; d++) {
                        mean[d] += v[d] / n;
                    }
                }
                rows[t] = unit(mean);
            }
            out.put(c.name(), rows);
        }
        return new TagEmbeddings(vocabulary, out, dim);
    }

    /** Per-category unit vectors given directly (tests, or embeddings computed elsewhere), rows in tag order. */
    public static TagEmbeddings of(TagVocabulary vocabulary, Map<String, float[][]> tagVectors) {
        Map<String, float[][]> out = new LinkedHashMap<>();
        int dim = -1;
        for (TagCategory c : vocabulary.categories()) {
            float[][] rows = tagVectors.get(c.name());
            if (rows == null || rows.length != c.tags().size()) {
                throw new IllegalArgumentException("category " + c.name() + " needs " + c.tags().size() + " vectors");
            }
            float[][] copy = new float[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                copy[i] = unit(rows[i]);
                dim = copy[i].length;
            }
            out.put(c.name(), copy);
        }
        return new TagEmbeddings(vocabulary, out, dim);
    }

    public TagVocabulary vocabulary() {
        return vocabulary;
    }

    public int dim() {
        return dim;
    }

    /** Unit vectors of a category's tags, in tag order (do not modify). */
    float[][] vectors(String category) {
        return byCategory.get(category);
    }

    static float[] unit(float[] v) {
        double s = 0;
        for (float f : v) {
            s += (double) f * f;
        }
        if (s == 0 || Double.isNaN(s)) {
            throw new IllegalArgumentException("cannot normalise a zero or NaN embedding");
        }
        float inv = (float) (1 / Math.sqrt(s));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * inv;
        }
        return out;
    }
}
