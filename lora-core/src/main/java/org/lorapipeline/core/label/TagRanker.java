package org.lorapipeline.core.label;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Picks tags for one image: per category, cosine similarity to every tag embedding, highest first, kept while
 * at or above the category's threshold, at most its top_k. Categories are independent, so a style tag never
 * crowds out a subject tag.
 */
public final class TagRanker {
    private final TagEmbeddings embeddings;

    public TagRanker(TagEmbeddings embeddings) {
        this.embeddings = embeddings;
    }

    /**
     * @param imageEmbedding the image's embedding (normalised here)
     * @return kept tags, category by category in vocabulary order, best first within a category
     */
    public List<ScoredTag> rank(float[] imageEmbedding) {
        if (imageEmbedding.length != embeddings.dim()) {
            throw new IllegalArgumentException("image embedding has " + imageEmbedding.length + " values, tag"
                    + " embeddings " + embeddings.dim() + "; were they made by the same model?");
        }
        float[] img = TagEmbeddings.unit(imageEmbedding);
        List<ScoredTag> out = new ArrayList<>();
        for (TagCategory c : embeddings.vocabulary().categories()) {
            out.addAll(rankCategory(c, img));
        }
        return out;
    }

    /** Every tag of a category with its score, best first, no threshold (for reports and tuning). */
    public List<ScoredTag> scores(String category, float[] imageEmbedding) {
        TagCategory c = embeddings.vocabulary().category(category);
        return all(c, TagEmbeddings.unit(imageEmbedding));
    }

    private List<ScoredTag> rankCategory(TagCategory c, float[] img) {
        List<ScoredTag> kept = new ArrayList<>();
        for (ScoredTag s : all(c, img)) {
            if (kept.size() >= c.topK() || s.score() < c.threshold()) {
                break;
            }
            kept.add(s);
        }
        return kept;
    }

    private List<ScoredTag> all(TagCategory c, float[] img) {
        float[][] vectors = embeddings.vectors(c.name());
        List<String> tags = c.tagList();
        List<ScoredTag> scored = new ArrayList<>(tags.size());
        for (int t = 0; t < tags.size(); t++) {
            float dot = 0;
            for (int d = 0; d < img.length; d++) {
                dot += img[d] * vectors[t][d];
            }
            scored.add(new ScoredTag(c.name(), tags.get(t), dot));
        }
        // stable: equal scores keep file order
        scored.sort(Comparator.comparingDouble(ScoredTag::score).reversed());
        return scored;
    }
}
