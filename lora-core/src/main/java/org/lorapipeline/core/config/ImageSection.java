package org.lorapipeline.core.config;

/**
 * Image-dataset settings, kohya's names and meaning; present only for {@link ModelFamily#SD} configs.
 *
 * @param resolution         {@code resolution}: training size (square side) in pixels
 * @param minResolution      {@code min_resolution}: images whose short side is smaller are rejected
 * @param enableBucket       {@code enable_bucket}: aspect-ratio bucketing instead of centre-cropping to a square
 * @param minBucketReso      {@code min_bucket_reso}
 * @param maxBucketReso      {@code max_bucket_reso}
 * @param bucketResoSteps    {@code bucket_reso_steps}
 * @param randomCrop         {@code random_crop}
 * @param flipAug            {@code flip_aug}
 * @param cacheLatents       {@code cache_latents}: encode every image with the VAE once, before training
 * @param shuffleCaption     {@code shuffle_caption}: shuffle comma-separated caption tags each step
 * @param keepTokens         {@code keep_tokens}: leading tags kept in place when shuffling
 * @param captionDropoutRate {@code caption_dropout_rate}: chance to train a step with an empty caption
 * @param captionExtension   {@code caption_extension}: caption file beside each image
 * @param autoLabel          {@code auto_label}: caption images that have none before training
 * @param labelModel         {@code label_model}: captioning model for auto_label, or null for the service default
 */
public record ImageSection(int resolution, int minResolution, boolean enableBucket, int minBucketReso,
                           int maxBucketReso, int bucketResoSteps, boolean randomCrop, boolean flipAug,
                           boolean cacheLatents, boolean shuffleCaption, int keepTokens, double captionDropoutRate,
                           String captionExtension, boolean autoLabel, String labelModel) {
    public ImageSection {
        ConfigKeys.RESOLUTION.require(resolution);
        ConfigKeys.MIN_RESOLUTION.require(minResolution);
        ConfigKeys.MIN_BUCKET_RESO.require(minBucketReso);
        ConfigKeys.MAX_BUCKET_RESO.require(maxBucketReso);
        ConfigKeys.BUCKET_RESO_STEPS.require(bucketResoSteps);
        ConfigKeys.KEEP_TOKENS.require(keepTokens);
        ConfigKeys.CAPTION_DROPOUT_RATE.require(captionDropoutRate);
        ConfigKeys.CAPTION_EXTENSION.require(captionExtension);
        ConfigKeys.LABEL_MODEL.require(labelModel);
    }
}
