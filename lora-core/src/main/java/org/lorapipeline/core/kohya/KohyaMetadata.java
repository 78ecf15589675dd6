package org.lorapipeline.core.kohya;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.lorapipeline.core.config.PredictionType;
import org.lorapipeline.core.peft.PythonJson;

/**
 * The metadata kohya's {@code train_network.py} writes into a LoRA: every {@code ss_*} key of a folder-dataset run
 * (values as Python's {@code str(v)}: {@code True}, {@code None}, {@code 1e-05}; JSON values as {@code json.dumps})
 * and the {@code modelspec.*} keys of {@code library/sai_model_spec.py}. Keys for features this pipeline does not
 * have carry kohya's default values, so tools that read them see a consistent record. {@code ss_sd_scripts_commit_hash}
 * is left out: this is not sd-scripts, and modelspec.implementation_version names the writer instead.
 */
public final class KohyaMetadata {
    public static final String SAI_MODEL_SPEC = "1.0.1";
    public static final String NETWORK_MODULE = "networks.lora";
    private static final String NONE = "None";

    private KohyaMetadata() {}

    /** kohya's {@code str(random.randint(0, 2**32))}. */
    public static String newSessionId(SplittableRandom random) {
        return Long.toString(random.nextLong(0, (1L << 32) + 1));
    }

    /** ss_* and modelspec.* keys with modelspec.date in the system's zone (kohya uses local time). */
    public static Map<String, String> build(KohyaTrainingInfo info) {
        return build(info, ZoneId.systemDefault());
    }

    public static Map<String, String> build(KohyaTrainingInfo info, ZoneId zone) {
        Map<String, String> m = new LinkedHashMap<>();
        KohyaTrainingInfo.Optimizer o = info.optimizer();
        KohyaTrainingInfo.Progress p = info.progress();
        KohyaTrainingInfo.Dataset d = info.dataset();
        KohyaTrainingInfo.Network n = info.network();
        KohyaTrainingInfo.BaseModel base = info.baseModel();
        m.put("ss_session_id", info.sessionId());
        m.put("ss_training_started_at", seconds(info.startedAt()));
        m.put("ss_output_name", info.outputName());
        m.put("ss_learning_rate", num(o.learningRate()));
        m.put("ss_text_encoder_lr", orNone(o.textEncoderLr()));
        m.put("ss_unet_lr", orNone(o.unetLr()));
        m.put("ss_num_train_images", Integer.toString(d.numTrainImages()));
        m.put("ss_num_validation_images", "0");
        m.put("ss_num_reg_images", Integer.toString(d.numRegImages()));
        m.put("ss_num_batches_per_epoch", Integer.toString(p.numBatchesPerEpoch()));
        m.put("ss_num_epochs", Integer.toString(p.numEpochs()));
        m.put("ss_gradient_checkpointing", bool(info.gradientCheckpointing()));
        m.put("ss_gradient_accumulation_steps", Integer.toString(p.gradientAccumulationSteps()));
        m.put("ss_max_train_steps", Long.toString(p.maxTrainSteps()));
        m.put("ss_lr_warmup_steps", Integer.toString(o.lrWarmupSteps()));
        m.put("ss_lr_scheduler", o.lrScheduler());
        m.put("ss_network_module", NETWORK_MODULE);
        m.put("ss_network_dim", Integer.toString(n.dim()));
        m.put("ss_network_alpha", num(n.alpha()));
        m.put("ss_network_dropout", orNone(n.dropout()));
        m.put("ss_mixed_precision", info.mixedPrecision().yamlName());
        m.put("ss_full_fp16", bool(false));
        m.put("ss_v2", bool(base.version().startsWith("sd_v2")));
        m.put("ss_base_model_version", base.version());
        m.put("ss_clip_skip", info.clipSkip() == 0 ? NONE : Integer.toString(info.clipSkip()));
        m.put("ss_max_token_length", NONE);
        m.put("ss_cache_latents", bool(info.cacheLatents()));
        m.put("ss_seed", Long.toString(info.seed()));
        m.put("ss_lowram", bool(false));
        m.put("ss_noise_offset", offOrValue(info.noise().noiseOffset()));
        m.put("ss_multires_noise_iterations", NONE);
        m.put("ss_multires_noise_discount", num(0.3));
        m.put("ss_adaptive_noise_scale", NONE);
        m.put("ss_zero_terminal_snr", bool(false));
        m.put("ss_training_comment", info.trainingComment() == null ? NONE : info.trainingComment());
        m.put("ss_optimizer", optimizer(o));
        m.put("ss_max_grad_norm", num(o.maxGradNorm()));
        m.put("ss_caption_dropout_rate", num(d.captions().dropoutRate()));
        m.put("ss_caption_dropout_every_n_epochs", Integer.toString(d.captions().dropoutEveryNEpochs()));
        m.put("ss_caption_tag_dropout_rate", num(d.captions().tagDropoutRate()));
        m.put("ss_face_crop_aug_range", NONE);
        m.put("ss_prior_loss_weight", num(1.0));
        m.put("ss_min_snr_gamma", offOrValue(info.noise().minSnrGamma()));
        m.put("ss_scale_weight_norms", NONE);
        m.put("ss_ip_noise_gamma", NONE);
        m.put("ss_ip_noise_gamma_random_strength", bool(false));
        m.put("ss_debiased_estimation", bool(false));
        m.put("ss_noise_offset_random_strength", bool(false));
        m.put("ss_loss_type", "l2");
        m.put("ss_huber_schedule", "snr");
        m.put("ss_huber_scale", num(1.0));
        m.put("ss_huber_c", num(0.1));
        m.put("ss_fp8_base", bool(false));
        m.put("ss_fp8_base_unet", bool(false));
        m.put("ss_validation_seed", NONE);
        m.put("ss_validation_split", num(0.0));
        m.put("ss_max_validation_steps", NONE);
        m.put("ss_validate_every_n_epochs", NONE);
        m.put("ss_validate_every_n_steps", NONE);
        m.put("ss_resize_interpolation", NONE);
        datasetKeys(m, d, p);
        if (!n.args().isEmpty()) {
            m.put("ss_network_args", PythonJson.dumpsInline(new java.util.TreeMap<>(n.args())));
        }
        m.put("ss_sd_model_name", base.name());
        if (base.newSdModelHash() != null) {
            m.put("ss_new_sd_model_hash", base.newSdModelHash());
        }
        if (info.finishedAt() != null) {
            m.put("ss_training_finished_at", seconds(info.finishedAt()));
        }
        m.put("ss_steps", Long.toString(p.steps()));
        m.put("ss_epoch", Integer.toString(p.epoch()));
        modelspec(m, info, zone);
        return m;
    }

    private static void datasetKeys(Map<String, String> m, KohyaTrainingInfo.Dataset d,
                                    KohyaTrainingInfo.Progress p) {
        m.put("ss_batch_size_per_device", Integer.toString(p.batchSizePerDevice()));
        m.put("ss_total_batch_size", Integer.toString(p.batchSizePerDevice() * p.gradientAccumulationSteps()));
        m.put("ss_resolution", "(" + d.width() + ", " + d.height() + ")");
        m.put("ss_color_aug", bool(d.colorAug()));
        m.put("ss_flip_aug", bool(d.flipAug()));
        m.put("ss_random_crop", bool(d.randomCrop()));
        m.put("ss_shuffle_caption", bool(d.captions().shuffleCaption()));
        m.put("ss_enable_bucket", bool(d.enableBucket()));
        m.put("ss_bucket_no_upscale", bool(d.bucketNoUpscale()));
        m.put("ss_min_bucket_reso", Integer.toString(d.minBucketReso()));
        m.put("ss_max_bucket_reso", Integer.toString(d.maxBucketReso()));
        m.put("ss_keep_tokens", Integer.toString(d.captions().keepTokens()));
        Map<String, Object> dirs = new LinkedHashMap<>();
        Map<String, Object> tags = new LinkedHashMap<>();
        for (KohyaTrainingInfo.DatasetDir dir : d.dirs()) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("n_repeats", dir.repeats());
            info.put("img_count", dir.imageCount());
            dirs.put(dir.name(), info);
            tags.put(dir.name(), dir.tagFrequency());
        }
        m.put("ss_dataset_dirs", PythonJson.dumpsInline(dirs));
        m.put("ss_reg_dataset_dirs", "{}");
        m.put("ss_tag_frequency", PythonJson.dumpsInline(tags));
        m.put("ss_bucket_info", bucketInfo(d));
    }

    /** {@code {"buckets": {"0": {"resolution": [w, h], "count": n}}, "mean_img_ar_error": e}}, or null. */
    private static String bucketInfo(KohyaTrainingInfo.Dataset d) {
        if (d.buckets().isEmpty()) {
            return "null";
        }
        Map<String, Object> buckets = new LinkedHashMap<>();
        for (int i = 0; i < d.buckets().size(); i++) {
            KohyaTrainingInfo.Bucket b = d.buckets().get(i);
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("resolution", List.of(b.width(), b.height()));
            one.put("count", b.count());
            buckets.put(Integer.toString(i), one);
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("buckets", buckets);
        if (d.meanImgArError() != null) {
            info.put("mean_img_ar_error", d.meanImgArError());
        }
        return PythonJson.dumpsInline(info);
    }

    private static void modelspec(Map<String, String> m, KohyaTrainingInfo info, ZoneId zone) {
        KohyaTrainingInfo.BaseModel base = info.baseModel();
        boolean v = base.predictionType() == PredictionType.V_PREDICTION;
        String arch = switch (base.version()) {
            case "sd_v1" -> "stable-diffusion-v1";
            case "sdxl_base_v1-0" -> "stable-diffusion-xl-v1-base";
            default -> v ? "stable-diffusion-v2-768-v" : "stable-diffusion-v2-512";
        };
        boolean sdxl = arch.startsWith("stable-diffusion-xl");
        m.put("modelspec.sai_model_spec", SAI_MODEL_SPEC);
        m.put("modelspec.architecture", arch + "/lora");
        m.put("modelspec.implementation", sdxl ? "https://github.com/Stability-AI/generative-models" : "diffusers");
        m.put("modelspec.title", info.outputName());
        Instant saved = info.finishedAt() != null ? info.finishedAt() : info.startedAt();
        m.put("modelspec.date", LocalDateTime.ofInstant(saved.truncatedTo(ChronoUnit.SECONDS), zone)
                .format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
        m.put("modelspec.resolution", info.dataset().width() + "x" + info.dataset().height());
        m.put("modelspec.prediction_type", v ? "v" : "epsilon");
        if (info.clipSkip() > 0) {
            m.put("modelspec.encoder_layer", Integer.toString(info.clipSkip()));
        }
        if (info.implementationVersion() != null) {
            m.put("modelspec.implementation_version", info.implementationVersion());
        }
    }

    /** {@code torch.optim.adamw.AdamW(weight_decay=0.01,betas=(0.9, 0.999))}: kohya joins the kwargs with ','. */
    private static String optimizer(KohyaTrainingInfo.Optimizer o) {
        if (o.args().isEmpty()) {
            return o.name();
        }
        StringBuilder sb = new StringBuilder(o.name()).append('(');
        boolean first = true;
        for (Map.Entry<String, String> e : o.args().entrySet()) {
            sb.append(first ? "" : ",").append(e.getKey()).append('=').append(e.getValue());
            first = false;
        }
        return sb.append(')').toString();
    }

    /** Python's str(time.time()). */
    private static String seconds(Instant t) {
        return num(t.getEpochSecond() + t.getNano() / 1e9);
    }

    static String num(double v) {
        return PythonJson.floatRepr(v);
    }

    private static String orNone(Double v) {
        return v == null ? NONE : num(v);
    }

    private static String offOrValue(double v) {
        return v == 0 ? NONE : num(v);
    }

    private static String bool(boolean b) {
        return b ? "True" : "False";
    }
}
