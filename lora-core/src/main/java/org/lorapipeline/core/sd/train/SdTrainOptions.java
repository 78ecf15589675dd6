package org.lorapipeline.core.sd.train;

import org.lorapipeline.core.train.TrainOptions;

/**
 * What one denoiser training step needs besides the models, with kohya's names.
 *
 * @param optimizer        AdamW settings, clipping and the dropout seed
 * @param noiseOffset      {@code noise_offset}: adds offset * N(0, 1) per (sample, channel) to the noise; 0 = off
 * @param minSnrGamma      {@code min_snr_gamma}: min-SNR-gamma loss weights; 0 = off
 * @param trainTextEncoder the text encoder runs with gradients (its LoRA layers are trained)
 */
public record SdTrainOptions(TrainOptions optimizer, double noiseOffset, double minSnrGamma,
                             boolean trainTextEncoder) {
    public SdTrainOptions {
        if (optimizer == null) {
            throw new IllegalArgumentException("optimizer options must be set");
        }
        if (!(noiseOffset >= 0 && noiseOffset <= 1)) {
            throw new IllegalArgumentException("noise_offset must be in [0, 1], got " + noiseOffset);
        }
        if (!(minSnrGamma >= 0)) {
            throw new IllegalArgumentException("min_snr_gamma must be >= 0, got " + minSnrGamma);
        }
    }
}
