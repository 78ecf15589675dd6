package org.lorapipeline.core.config;

import static org.lorapipeline.core.config.ConfigKey.Applies.ALL;
import static org.lorapipeline.core.config.ConfigKey.Applies.LLM;
import static org.lorapipeline.core.config.ConfigKey.Applies.SD;
import static org.lorapipeline.core.config.ConfigKey.ValueType.BOOL;
import static org.lorapipeline.core.config.ConfigKey.ValueType.FLOAT;
import static org.lorapipeline.core.config.ConfigKey.ValueType.INT;
import static org.lorapipeline.core.config.ConfigKey.ValueType.PATH;
import static org.lorapipeline.core.config.ConfigKey.ValueType.STRING;
import static org.lorapipeline.core.config.ConfigKey.ValueType.STRING_LIST;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.lorapipeline.core.config.ConfigKey.Applies;
import org.lorapipeline.core.config.ConfigKey.ValueType;

/**
 * The schema of the run config: every key, in the order the templates and {@code toYaml()} write them.
 * Defaults live in {@link RunConfigBinder} because several depend on the model type.
 */
public final class ConfigKeys {
    private static final List<ConfigKey> KEYS = new ArrayList<>();

    // model and data
    public static final ConfigKey MODEL_TYPE = choice("model_type", ModelType.class, ALL);
    public static final ConfigKey BASE_MODEL = add("base_model", PATH, ALL, false, Constraint.notBlank());
    public static final ConfigKey TASK_TYPE = choice("task_type", TaskType.class, ALL);
    public static final ConfigKey TOKENIZER_PATH = add("tokenizer_path", PATH, ALL, true, Constraint.notBlank());
    public static final ConfigKey TRAIN_DATA_DIR = add("train_data_dir", PATH, ALL, false, Constraint.notBlank());
    public static final ConfigKey METADATA_PATH = add("metadata_path", PATH, SD, true, Constraint.notBlank());
    // text (LLM) data
    public static final ConfigKey MAX_SEQ_LENGTH = add("max_seq_length", INT, LLM, false, Constraint.atLeast(1));
    public static final ConfigKey RESPONSE_TEMPLATE = add("response_template", STRING, LLM, false, Constraint.NONE);
    public static final ConfigKey TRAIN_ON_PROMPT = add("train_on_prompt", BOOL, LLM, false, Constraint.NONE);
    public static final ConfigKey PACKING = add("packing", BOOL, LLM, false, Constraint.NONE);
    // image (SD) data
    public static final ConfigKey RESOLUTION = add("resolution", INT, SD, false, Constraint.multipleOf(8, 64));
    public static final ConfigKey MIN_RESOLUTION =
            add("min_resolution", INT, SD, false, Constraint.atLeast(0), "min_image_size");
    public static final ConfigKey ENABLE_BUCKET = add("enable_bucket", BOOL, SD, false, Constraint.NONE);
    public static final ConfigKey MIN_BUCKET_RESO = add("min_bucket_reso", INT, SD, false, Constraint.atLeast(64));
    public static final ConfigKey MAX_BUCKET_RESO = add("max_bucket_reso", INT, SD, false, Constraint.atLeast(64));
    public static final ConfigKey BUCKET_RESO_STEPS =
            add("bucket_reso_steps", INT, SD, false, Constraint.multipleOf(8, 8));
    public static final ConfigKey RANDOM_CROP = add("random_crop", BOOL, SD, false, Constraint.NONE);
    public static final ConfigKey FLIP_AUG = add("flip_aug", BOOL, SD, false, Constraint.NONE);
    public static final ConfigKey CACHE_LATENTS = add("cache_latents", BOOL, SD, false, Constraint.NONE);
    public static final ConfigKey SHUFFLE_CAPTION = add("shuffle_caption", BOOL, SD, false, Constraint.NONE);
    public static final ConfigKey KEEP_TOKENS = add("keep_tokens", INT, SD, false, Constraint.atLeast(0));
    public static final ConfigKey CAPTION_DROPOUT_RATE =
            add("caption_dropout_rate", FLOAT, SD, false, Constraint.range(0, 1, true));
    public static final ConfigKey CAPTION_EXTENSION = add("caption_extension", STRING, SD, false,
            v -> v.toString().matches("\\.[A-Za-z0-9_.-]+") ? null
                    : "must be a file extension starting with '.', like \".caption\" or \".txt\", got '" + v + "'");
    public static final ConfigKey AUTO_LABEL = add("auto_label", BOOL, SD, false, Constraint.NONE);
    public static final ConfigKey LABEL_MODEL = add("label_model", STRING, SD, true, Constraint.notBlank());
    // LoRA
    public static final ConfigKey LORA_RANK = add("lora_rank", INT, ALL, false, Constraint.atLeast(1), "network_dim");
    public static final ConfigKey LORA_ALPHA =
            add("lora_alpha", FLOAT, ALL, false, Constraint.positive(), "network_alpha");
    public static final ConfigKey LORA_DROPOUT =
            add("lora_dropout", FLOAT, ALL, false, Constraint.range(0, 1, false), "network_dropout");
    public static final ConfigKey USE_RSLORA = add("use_rslora", BOOL, ALL, false, Constraint.NONE);
    public static final ConfigKey TARGET_MODULES =
            add("target_modules", STRING_LIST, ALL, false, Constraint.nonEmptyList());
    public static final ConfigKey TRAIN_TEXT_ENCODER = add("train_text_encoder", BOOL, SD, false, Constraint.NONE);
    public static final ConfigKey NETWORK_WEIGHTS =
            add("network_weights", PATH, ALL, true, Constraint.notBlank(), "init_lora_weights_from");
    // optimisation
    public static final ConfigKey BATCH_SIZE =
            add("batch_size", INT, ALL, false, Constraint.atLeast(1), "train_batch_size");
    public static final ConfigKey EPOCHS =
            add("epochs", INT, ALL, true, Constraint.atLeast(1), "max_train_epochs", "num_train_epochs");
    public static final ConfigKey MAX_STEPS = add("max_steps", INT, ALL, true, Constraint.atLeast(1), "max_train_steps");
    public static final ConfigKey LEARNING_RATE = add("learning_rate", FLOAT, ALL, false, Constraint.positive());
    public static final ConfigKey UNET_LR = add("unet_lr", FLOAT, SD, true, Constraint.positive());
    public static final ConfigKey TEXT_ENCODER_LR = add("text_encoder_lr", FLOAT, SD, true, Constraint.positive());
    public static final ConfigKey LR_SCHEDULER = choice("lr_scheduler", LrScheduler.class, ALL);
    public static final ConfigKey WARMUP_STEPS =
            add("warmup_steps", INT, ALL, true, Constraint.atLeast(0), "lr_warmup_steps");
    public static final ConfigKey WARMUP_RATIO = add("warmup_ratio", FLOAT, ALL, true, Constraint.range(0, 1, false));
    public static final ConfigKey WEIGHT_DECAY = add("weight_decay", FLOAT, ALL, false, Constraint.atLeast(0));
    public static final ConfigKey ADAM_BETA1 = add("adam_beta1", FLOAT, ALL, false, Constraint.range(0, 1, false));
    public static final ConfigKey ADAM_BETA2 = add("adam_beta2", FLOAT, ALL, false, Constraint.range(0, 1, false));
    public static final ConfigKey ADAM_EPSILON = add("adam_epsilon", FLOAT, ALL, false, Constraint.positive());
    public static final ConfigKey MAX_GRAD_NORM = add("max_grad_norm", FLOAT, ALL, false, Constraint.atLeast(0));
    public static final ConfigKey GRADIENT_ACCUMULATION_STEPS =
            add("gradient_accumulation_steps", INT, ALL, false, Constraint.atLeast(1));
    public static final ConfigKey MIXED_PRECISION = choice("mixed_precision", MixedPrecision.class, ALL);
    public static final ConfigKey SEED = add("seed", INT, ALL, false, Constraint.atLeast(0));
    public static final ConfigKey DEVICE = add("device", STRING, ALL, false, v -> {
        try {
            Device.parse(v.toString());
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    });
    public static final ConfigKey NUM_GPUS = add("num_gpus", INT, LLM, false, Constraint.atLeast(1));
    public static final ConfigKey NOISE_OFFSET = add("noise_offset", FLOAT, SD, false, Constraint.range(0, 1, true));
    public static final ConfigKey MIN_SNR_GAMMA = add("min_snr_gamma", FLOAT, SD, false, Constraint.atLeast(0));
    public static final ConfigKey PREDICTION_TYPE = choice("prediction_type", PredictionType.class, SD);
    public static final ConfigKey MAX_NONFINITE_STEPS =
            add("max_nonfinite_steps", INT, ALL, false, Constraint.atLeast(1));
    // outputs
    public static final ConfigKey OUTPUT_DIR = add("output_dir", PATH, ALL, false, Constraint.notBlank());
    public static final ConfigKey OUTPUT_NAME = add("output_name", STRING, ALL, false,
            v -> v.toString().isBlank() || v.toString().matches(".*[/\\\\:*?\"<>|].*")
                    ? "must be a plain file name without / \\ : * ? \" < > |, got '" + v + "'" : null);
    public static final ConfigKey SAVE_STEPS =
            add("save_steps", INT, ALL, false, Constraint.atLeast(0), "save_every_n_steps");
    public static final ConfigKey SAVE_TOTAL_LIMIT = add("save_total_limit", INT, ALL, false, Constraint.atLeast(0));
    public static final ConfigKey RESUME_FROM = add("resume_from", PATH, ALL, true, Constraint.notBlank(), "resume");
    public static final ConfigKey LOGGING_DIR = add("logging_dir", PATH, ALL, false, Constraint.notBlank());
    public static final ConfigKey LOG_EVERY_N_STEPS = add("log_every_n_steps", INT, ALL, false, Constraint.atLeast(1));
    public static final ConfigKey SAMPLE_EVERY_N_STEPS =
            add("sample_every_n_steps", INT, ALL, false, Constraint.atLeast(0));
    public static final ConfigKey SAMPLE_PROMPTS = add("sample_prompts", STRING_LIST, ALL, false, Constraint.NONE);
    public static final ConfigKey SAMPLE_SAMPLER = choice("sample_sampler", SampleSampler.class, SD);
    public static final ConfigKey SAMPLE_STEPS = add("sample_steps", INT, SD, false, Constraint.atLeast(1));
    public static final ConfigKey GUIDANCE_SCALE = add("guidance_scale", FLOAT, SD, false, Constraint.atLeast(1));
    public static final ConfigKey EXPORT_FORMATS = new ConfigKey("export_formats", List.of(), ValueType.CHOICE_LIST,
            ALL, YamlNamed.names(ExportFormat.class), false, Constraint.nonEmptyList());

    static {
        KEYS.add(EXPORT_FORMATS);
    }

    private static final List<ConfigKey> ALL_KEYS = Collections.unmodifiableList(KEYS);
    private static final Map<String, ConfigKey> BY_NAME = new LinkedHashMap<>();

    static {
        for (ConfigKey k : ALL_KEYS) {
            register(k.name(), k);
            k.aliases().forEach(a -> register(a, k));
        }
    }

    private ConfigKeys() {}

    /** Every key, in template order. */
    public static List<ConfigKey> all() {
        return ALL_KEYS;
    }

    /** Looks a key up by its canonical name or an alias. */
    public static Optional<ConfigKey> byName(String nameOrAlias) {
        return Optional.ofNullable(BY_NAME.get(nameOrAlias));
    }

    /** Canonical names and aliases, for "did you mean" suggestions. */
    static List<String> allNames() {
        return List.copyOf(BY_NAME.keySet());
    }

    private static void register(String name, ConfigKey key) {
        if (BY_NAME.put(name, key) != null) {
            throw new IllegalStateException("config key name used twice: " + name);
        }
    }

    private static ConfigKey add(String name, ValueType type, Applies applies, boolean optional, Constraint c,
                                 String... aliases) {
        ConfigKey k = new ConfigKey(name, List.of(aliases), type, applies, List.of(), optional, c);
        KEYS.add(k);
        return k;
    }

    private static <E extends Enum<E> & YamlNamed> ConfigKey choice(String name, Class<E> type, Applies applies) {
        ConfigKey k = new ConfigKey(name, List.of(), ValueType.CHOICE, applies, YamlNamed.names(type), false,
                Constraint.NONE);
        KEYS.add(k);
        return k;
    }
}
