package org.lorapipeline.core.kohya;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.lorapipeline.core.config.MixedPrecision;
import org.lorapipeline.core.config.PredictionType;

/**
 * What a training run knows that kohya records in a LoRA's metadata ({@link KohyaMetadata} turns it into the
 * {@code ss_*} and {@code modelspec.*} keys). Grouped the way kohya's arguments are.
 *
 * @param sessionId       {@code ss_session_id}: kohya uses a random integer in [0, 2^32]
 * @param outputName      {@code ss_output_name}, also the modelspec title
 * @param startedAt       {@code ss_training_started_at}
 * @param finishedAt      {@code ss_training_finished_at} and modelspec date (the save time); null before any save
 * @param seed            {@code ss_seed}
 * @param clipSkip        {@code ss_clip_skip}; 0 = not set (kohya's None)
 * @param mixedPrecision  {@code ss_mixed_precision}
 * @param gradientCheckpointing {@code ss_gradient_checkpointing}
 * @param cacheLatents    {@code ss_cache_latents}
 * @param trainingComment {@code ss_training_comment}; null = None
 * @param implementationVersion {@code modelspec.implementation_version}, e.g. {@code lora-pipeline/0.1.0}
 */
public record KohyaTrainingInfo(String sessionId, String outputName, BaseModel baseModel, Network network,
                                Optimizer optimizer, Progress progress, Dataset dataset, Noise noise, long seed,
                                int clipSkip, MixedPrecision mixedPrecision, boolean gradientCheckpointing,
                                boolean cacheLatents, Instant startedAt, Instant finishedAt, String trainingComment,
                                String implementationVersion) {
    public KohyaTrainingInfo {
        nonBlank("sessionId", sessionId);
        nonBlank("outputName", outputName);
        nonNull("baseModel", baseModel);
        nonNull("network", network);
        nonNull("optimizer", optimizer);
        nonNull("progress", progress);
        nonNull("dataset", dataset);
        nonNull("noise", noise);
        nonNull("mixedPrecision", mixedPrecision);
        nonNull("startedAt", startedAt);
        if (clipSkip < 0) {
            throw new IllegalArgumentException("clipSkip must be >= 0 (0 = not set), got " + clipSkip);
        }
    }

    /**
     * @param name      {@code ss_sd_model_name}: the base model's file or folder name
     * @param version   {@code ss_base_model_version}: {@code sd_v1}, {@code sd_v2}, {@code sd_v2_v}, {@code sdxl_base_v1-0}
     * @param newSdModelHash {@code ss_new_sd_model_hash} (SHA-256 of the model file), or null when unknown
     * @param predictionType epsilon or v_prediction (modelspec prediction_type)
     */
    public record BaseModel(String name, String version, String newSdModelHash, PredictionType predictionType) {
        public BaseModel {
            nonBlank("baseModel.name", name);
            if (!List.of("sd_v1", "sd_v2", "sd_v2_v", "sdxl_base_v1-0").contains(version)) {
                throw new IllegalArgumentException("baseModel.version must be sd_v1, sd_v2, sd_v2_v or"
                        + " sdxl_base_v1-0, got " + version);
            }
            nonNull("baseModel.predictionType", predictionType);
        }

        public static BaseModel sd15(String name, String newSdModelHash) {
            return new BaseModel(name, "sd_v1", newSdModelHash, PredictionType.EPSILON);
        }
    }

    /**
     * @param dim     {@code ss_network_dim} (rank)
     * @param alpha   {@code ss_network_alpha}
     * @param dropout {@code ss_network_dropout}; null = None
     * @param args    {@code ss_network_args} (kohya's --network_args as key/value); empty = not written
     */
    public record Network(int dim, double alpha, Double dropout, Map<String, String> args) {
        public Network {
            if (dim < 1) {
                throw new IllegalArgumentException("network.dim must be >= 1, got " + dim);
            }
            args = Map.copyOf(args);
        }
    }

    /**
     * @param name          {@code ss_optimizer} class, as kohya writes it ({@code torch.optim.adamw.AdamW})
     * @param args          optimizer kwargs in order, appended as {@code (k=v,k=v)}
     * @param textEncoderLr null = None (kohya then uses learning_rate)
     * @param unetLr        null = None
     */
    public record Optimizer(String name, Map<String, String> args, double learningRate, Double unetLr,
                            Double textEncoderLr, String lrScheduler, int lrWarmupSteps, double maxGradNorm) {
        public static final String ADAMW = "torch.optim.adamw.AdamW";

        public Optimizer {
            nonBlank("optimizer.name", name);
            nonBlank("optimizer.lrScheduler", lrScheduler);
            args = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(args));
        }
    }

    /**
     * @param epoch {@code ss_epoch} at this save; {@code steps} is {@code ss_steps}
     */
    public record Progress(int numEpochs, int epoch, long maxTrainSteps, long steps, int numBatchesPerEpoch,
                           int batchSizePerDevice, int gradientAccumulationSteps) {
        public Progress {
            if (batchSizePerDevice < 1 || gradientAccumulationSteps < 1) {
                throw new IllegalArgumentException("progress.batchSizePerDevice and gradientAccumulationSteps must be"
                        + " >= 1");
            }
        }
    }

    /** One kohya image folder {@code <repeats>_<name>} and its captions' tag counts ({@code ss_tag_frequency}). */
    public record DatasetDir(String name, int repeats, int imageCount, Map<String, Long> tagFrequency) {
        public DatasetDir {
            nonBlank("datasetDir.name", name);
            tagFrequency = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tagFrequency));
        }
    }

    /** One aspect-ratio bucket: resolution and image count. */
    public record Bucket(int width, int height, int count) {}

    /**
     * @param numTrainImages  images times repeats ({@code ss_num_train_images})
     * @param buckets         {@code ss_bucket_info}; empty when bucketing is off
     * @param meanImgArError  kohya's {@code mean_img_ar_error} inside ss_bucket_info, null when unknown
     */
    public record Dataset(int numTrainImages, int numRegImages, int width, int height, boolean enableBucket,
                          int minBucketReso, int maxBucketReso, boolean bucketNoUpscale, List<Bucket> buckets,
                          Double meanImgArError, List<DatasetDir> dirs, Captions captions, boolean flipAug,
                          boolean colorAug, boolean randomCrop) {
        public Dataset {
            buckets = List.copyOf(buckets);
            dirs = List.copyOf(dirs);
            nonNull("dataset.captions", captions);
        }
    }

    /** kohya's caption options. */
    public record Captions(boolean shuffleCaption, int keepTokens, double dropoutRate, int dropoutEveryNEpochs,
                           double tagDropoutRate) {
        public static Captions none() {
            return new Captions(false, 0, 0, 0, 0);
        }
    }

    /** @param noiseOffset 0 = off (None); @param minSnrGamma 0 = off (None) */
    public record Noise(double noiseOffset, double minSnrGamma) {}

    private static void nonNull(String field, Object v) {
        if (v == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
    }

    private static void nonBlank(String field, String v) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
    }
}
