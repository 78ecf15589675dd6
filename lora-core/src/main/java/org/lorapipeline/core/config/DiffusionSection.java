package org.lorapipeline.core.config;

/**
 * Settings only diffusion training has (kohya's names); present only for {@link ModelFamily#SD} configs.
 *
 * @param trainTextEncoder {@code train_text_encoder}: also put LoRA layers into the CLIP text encoder(s)
 * @param unetLr           {@code unet_lr}, or null to use learning_rate
 * @param textEncoderLr    {@code text_encoder_lr}, or null to use learning_rate
 * @param noiseOffset      {@code noise_offset}; 0 = off
 * @param minSnrGamma      {@code min_snr_gamma}; 0 = off (kohya's recommended value is 5)
 * @param predictionType   {@code prediction_type}
 * @param sampleSampler    {@code sample_sampler} for preview images
 * @param sampleSteps      {@code sample_steps} for preview images
 * @param guidanceScale    {@code guidance_scale} (CFG) for preview images
 */
public record DiffusionSection(boolean trainTextEncoder, Double unetLr, Double textEncoderLr, double noiseOffset,
                               double minSnrGamma, PredictionType predictionType, SampleSampler sampleSampler,
                               int sampleSteps, double guidanceScale) {
    public DiffusionSection {
        ConfigKeys.UNET_LR.require(unetLr);
        ConfigKeys.TEXT_ENCODER_LR.require(textEncoderLr);
        ConfigKeys.NOISE_OFFSET.require(noiseOffset);
        ConfigKeys.MIN_SNR_GAMMA.require(minSnrGamma);
        ConfigKeys.PREDICTION_TYPE.require(predictionType);
        ConfigKeys.SAMPLE_SAMPLER.require(sampleSampler);
        ConfigKeys.SAMPLE_STEPS.require(sampleSteps);
        ConfigKeys.GUIDANCE_SCALE.require(guidanceScale);
    }
}
