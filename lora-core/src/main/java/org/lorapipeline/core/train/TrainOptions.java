package org.lorapipeline.core.train;

/**
 * Optimizer settings with the names kohya/transformers users know.
 *
 * @param weightDecay  AdamW decoupled weight decay ({@code weight_decay}, 0.01 in transformers by default is 0.0)
 * @param beta1        {@code adam_beta1}
 * @param beta2        {@code adam_beta2}
 * @param epsilon      {@code adam_epsilon}
 * @param maxGradNorm  clip the global gradient norm to this ({@code max_grad_norm}); 0 disables clipping
 * @param seed         seeds dropout (PyTorch generator) for reproducible runs
 */
public record TrainOptions(double weightDecay, double beta1, double beta2, double epsilon, double maxGradNorm,
                           long seed) {
    public TrainOptions {
        if (!(maxGradNorm >= 0)) {
            throw new IllegalArgumentException("max_grad_norm must be >= 0, got " + maxGradNorm);
        }
    }

    /** transformers' TrainingArguments defaults: no decay, betas (0.9, 0.999), eps 1e-8, clip at 1.0. */
    public static TrainOptions defaults(long seed) {
        return new TrainOptions(0.0, 0.9, 0.999, 1e-8, 1.0, seed);
    }
}
