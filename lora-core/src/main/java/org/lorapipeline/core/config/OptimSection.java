package org.lorapipeline.core.config;

/**
 * How the adapter is optimised (AdamW).
 *
 * @param batchSize                 {@code batch_size}
 * @param epochs                    {@code epochs}; exactly one of epochs and maxSteps is non-null
 * @param maxSteps                  {@code max_steps}, counted in optimiser steps
 * @param learningRate              {@code learning_rate}
 * @param lrScheduler               {@code lr_scheduler}
 * @param warmupSteps               {@code warmup_steps}; 0 when warmup is given as a ratio or not at all
 * @param warmupRatio               {@code warmup_ratio}, or null
 * @param weightDecay               {@code weight_decay}
 * @param adamBeta1                 {@code adam_beta1}
 * @param adamBeta2                 {@code adam_beta2}
 * @param adamEpsilon               {@code adam_epsilon}
 * @param maxGradNorm               {@code max_grad_norm}; 0 turns clipping off
 * @param gradientAccumulationSteps {@code gradient_accumulation_steps}
 * @param maxNonfiniteSteps         {@code max_nonfinite_steps}: abort after this many NaN/Inf losses in a row
 */
public record OptimSection(int batchSize, Integer epochs, Integer maxSteps, double learningRate,
                           LrScheduler lrScheduler, int warmupSteps, Double warmupRatio, double weightDecay,
                           double adamBeta1, double adamBeta2, double adamEpsilon, double maxGradNorm,
                           int gradientAccumulationSteps, int maxNonfiniteSteps) {
    public OptimSection {
        ConfigKeys.BATCH_SIZE.require(batchSize);
        ConfigKeys.EPOCHS.require(epochs);
        ConfigKeys.MAX_STEPS.require(maxSteps);
        if ((epochs == null) == (maxSteps == null)) {
            throw new IllegalArgumentException("epochs/max_steps: exactly one must be set");
        }
        ConfigKeys.LEARNING_RATE.require(learningRate);
        ConfigKeys.LR_SCHEDULER.require(lrScheduler);
        ConfigKeys.WARMUP_STEPS.require(warmupSteps);
        ConfigKeys.WARMUP_RATIO.require(warmupRatio);
        if (warmupRatio != null && warmupSteps != 0) {
            throw new IllegalArgumentException("warmup_ratio: cannot be combined with warmup_steps");
        }
        ConfigKeys.WEIGHT_DECAY.require(weightDecay);
        ConfigKeys.ADAM_BETA1.require(adamBeta1);
        ConfigKeys.ADAM_BETA2.require(adamBeta2);
        ConfigKeys.ADAM_EPSILON.require(adamEpsilon);
        ConfigKeys.MAX_GRAD_NORM.require(maxGradNorm);
        ConfigKeys.GRADIENT_ACCUMULATION_STEPS.require(gradientAccumulationSteps);
        ConfigKeys.MAX_NONFINITE_STEPS.require(maxNonfiniteSteps);
    }

    /** Warmup in optimiser steps for a run of {@code totalSteps}; a ratio rounds up, as transformers does. */
    public int warmupSteps(int totalSteps) {
        return warmupRatio == null ? warmupSteps : (int) Math.ceil(warmupRatio * totalSteps);
    }
}
