package org.lorapipeline.core.lora;

import java.util.List;

/**
 * LoRA hyper-parameters with PEFT's names and meaning ({@code r}, {@code lora_alpha}, {@code lora_dropout},
 * {@code target_modules}, {@code use_rslora}).
 *
 * @param r             rank, > 0
 * @param loraAlpha     alpha; the update is scaled by alpha/r (alpha/sqrt(r) with rsLoRA)
 * @param loraDropout   dropout on the adapter input during training, in [0, 1)
 * @param targetModules module names (last path segment, e.g. q_proj) that get an adapter
 * @param useRslora     rank-stabilised scaling
 */
public record LoraConfig(int r, double loraAlpha, double loraDropout, List<String> targetModules, boolean useRslora) {

    /** The default for LLaMA in this project: all attention projections. */
    public static final List<String> DEFAULT_TARGETS = List.of("q_proj", "k_proj", "v_proj", "o_proj");

    public LoraConfig {
        if (r <= 0) {
            throw new IllegalArgumentException("r (lora_rank) must be > 0, got " + r);
        }
        if (!(loraAlpha > 0)) {
            throw new IllegalArgumentException("lora_alpha must be > 0, got " + loraAlpha);
        }
        if (!(loraDropout >= 0 && loraDropout < 1)) {
            throw new IllegalArgumentException("lora_dropout must be in [0, 1), got " + loraDropout);
        }
        targetModules = targetModules == null || targetModules.isEmpty() ? DEFAULT_TARGETS : List.copyOf(targetModules);
    }

    public static LoraConfig of(int r, double alpha) {
        return new LoraConfig(r, alpha, 0.0, DEFAULT_TARGETS, false);
    }

    /** PEFT's {@code scaling}: alpha/r, or alpha/sqrt(r) with rsLoRA. */
    public float scale() {
        return (float) (useRslora ? loraAlpha / Math.sqrt(r) : loraAlpha / r);
    }
}
