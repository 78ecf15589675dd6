package org.lorapipeline.core.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The adapter's shape.
 *
 * @param rank           {@code lora_rank} (kohya {@code network_dim})
 * @param alpha          {@code lora_alpha} (kohya {@code network_alpha})
 * @param dropout        {@code lora_dropout}
 * @param useRslora      {@code use_rslora}: scale by alpha/sqrt(rank) instead of alpha/rank
 * @param targetModules  {@code target_modules}: module names (PEFT style, e.g. q_proj) or module classes
 *                       (kohya style, e.g. Transformer2DModel) that get LoRA layers
 * @param networkWeights {@code network_weights}: an existing LoRA to start from, or null to start from zero
 */
public record LoraSection(int rank, double alpha, double dropout, boolean useRslora, List<String> targetModules,
                          Path networkWeights) {
    public LoraSection {
        ConfigKeys.LORA_RANK.require(rank);
        ConfigKeys.LORA_ALPHA.require(alpha);
        ConfigKeys.LORA_DROPOUT.require(dropout);
        targetModules = List.copyOf(targetModules);
        ConfigKeys.TARGET_MODULES.require(targetModules);
    }

    /** The factor applied to B·A: alpha/rank, or alpha/sqrt(rank) with rsLoRA (as PEFT computes it). */
    public double scale() {
        return useRslora ? alpha / Math.sqrt(rank) : alpha / rank;
    }
}
