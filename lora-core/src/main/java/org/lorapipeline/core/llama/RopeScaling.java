package org.lorapipeline.core.llama;

import java.util.Set;

/**
 * {@code rope_scaling} from a Hugging Face LLaMA {@code config.json}. Supported types: {@code linear} (positions
 * divided by {@code factor}) and {@code llama3} (Llama 3.1 frequency-dependent scaling).
 *
 * @param type                          {@code rope_type} (or legacy {@code type})
 * @param factor                        scaling factor, > 0
 * @param lowFreqFactor                 llama3 only
 * @param highFreqFactor                llama3 only, > lowFreqFactor
 * @param originalMaxPositionEmbeddings llama3 only, the pre-training context length
 */
public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                          int originalMaxPositionEmbeddings) {

    static final Set<String> SUPPORTED = Set.of("linear", "llama3");

    public RopeScaling {
        if (type == null || !SUPPORTED.contains(type)) {
            throw new IllegalArgumentException("rope_scaling.rope_type: '" + type + "' is not supported; use one of "
                    + SUPPORTED + " or null");
        }
        if (!(factor > 0)) {
            throw new IllegalArgumentException("rope_scaling.factor must be > 0, got " + factor);
        }
        if (type.equals("llama3")) {
            if (!(lowFreqFactor > 0) || !(highFreqFactor > lowFreqFactor)) {
                throw new IllegalArgumentException("rope_scaling: llama3 needs 0 < low_freq_factor < high_freq_factor,"
                        + " got " + lowFreqFactor + " and " + highFreqFactor);
            }
            if (originalMaxPositionEmbeddings <= 0) {
                throw new IllegalArgumentException("rope_scaling.original_max_position_embeddings must be > 0 for"
                        + " llama3, got " + originalMaxPositionEmbeddings);
            }
        }
    }

    public static RopeScaling linear(double factor) {
        return new RopeScaling("linear", factor, 0, 0, 0);
    }

    public static RopeScaling llama3(double factor, double low, double high, int originalMax) {
        return new RopeScaling("llama3", factor, low, high, originalMax);
    }
}
