package org.lorapipeline.core.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.lorapipeline.core.config.ConfigOrigin.WrittenKey;
import org.lorapipeline.core.config.YamlDocument.Entry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The third pass: applies defaults (several depend on the model type), checks which keys belong to the
 * config's model family and the rules between keys, and builds the records. Collects every problem.
 */
final class RunConfigBinder {
    private static final Logger log = LoggerFactory.getLogger(RunConfigBinder.class);

    static final List<String> LLM_TARGET_MODULES = List.of("q_proj", "k_proj", "v_proj", "o_proj");
    /** kohya networks/lora.py: Linear/Conv2d inside these classes (the CLIP ones only with train_text_encoder). */
    static final List<String> SD_TARGET_MODULES = List.of("Transformer2DModel", "CLIPAttention", "CLIPMLP");
    static final int DEFAULT_EPOCHS = 10;
    private static final Path MISSING = Path.of("missing");

    private final String source;
    private final List<ConfigProblem> problems;
    private final Map<ConfigKey, Object> values = new HashMap<>();
    private final Set<ConfigKey> invalid = new HashSet<>();
    private final ConfigOrigin origin;

    private RunConfigBinder(YamlDocument doc, String source, List<ConfigProblem> problems) {
        this.source = source;
        this.problems = problems;
        ValueReader reader = new ValueReader(source, problems);
        Map<String, WrittenKey> written = new LinkedHashMap<>();
        for (Entry e : doc.entries().values()) {
            written.put(e.key().name(), new WrittenKey(e.writtenName(), e.keyPosition()));
            Object v = reader.read(e);
            if (v == ValueReader.INVALID) {
                // not in values, so the default stands in
                invalid.add(e.key());
            } else if (v == null && !e.key().optional()) {
                problems.add(YamlDocument.at(source, e.keyPosition(), e.writtenName(),
                        "has no value; write one, or delete the line to use the default"));
                invalid.add(e.key());
            } else if (v != null) {
                values.put(e.key(), v);
            }
        }
        this.origin = new ConfigOrigin(source, written);
    }

    /**
     * Returns the config, or null when {@code problems} is not empty. Keys with bad values fall back to their
     * defaults so the rules between keys still run and every problem is reported in one go.
     */
    static RunConfig bind(YamlDocument doc, String source, List<ConfigProblem> problems) {
        RunConfigBinder b = new RunConfigBinder(doc, source, problems);
        ModelFamily family = b.family();
        b.checkKeysBelongTo(family);
        b.checkPresence();
        if (family == null) {
            return null;
        }
        RunConfig config = b.build(family);
        if (config != null && !b.origin.isWritten(ConfigKeys.OUTPUT_DIR)) {
            log.warn("{}: output_dir is not set; writing to {}", source, config.output().outputDir());
        }
        return problems.isEmpty() ? config : null;
    }

    private void markInvalid(ConfigKey key) {
        invalid.add(key);
        values.remove(key);
    }

    private ModelFamily family() {
        ModelType type = choice(ConfigKeys.MODEL_TYPE, ModelType.class, ModelType.AUTO);
        TaskType task = choice(ConfigKeys.TASK_TYPE, TaskType.class, null);
        if (invalid.contains(ConfigKeys.MODEL_TYPE) || invalid.contains(ConfigKeys.TASK_TYPE)) {
            return null;
        }
        if (task == null) {
            // lora-scripts habit: configs without task_type are image configs (the seeds' SD configs omit it).
            return type.family() != null ? type.family() : ModelFamily.SD;
        }
        if (type.family() != null && type.family() != task.family()) {
            problems.add(origin.problem(ConfigKeys.TASK_TYPE, "model_type " + type.yamlName() + " trains "
                    + type.family().taskType().yamlName() + ", not " + task.yamlName()
                    + "; fix task_type or model_type"));
            return null;
        }
        return task.family();
    }

    private void checkKeysBelongTo(ModelFamily family) {
        if (family == null) {
            return;
        }
        for (ConfigKey key : ConfigKeys.all()) {
            if (origin.isWritten(key) && !key.applies().to(family)) {
                String why = origin.isWritten(ConfigKeys.TASK_TYPE) || origin.isWritten(ConfigKeys.MODEL_TYPE)
                        ? "" : " (a config without task_type or model_type is a text-to-image config; "
                        + "LLM configs set task_type: text-generation)";
                problems.add(origin.problem(key, "is only used by " + (key.applies() == ConfigKey.Applies.SD
                        ? "Stable Diffusion (text-to-image)" : "LLM (text-generation)") + " configs, and this one is "
                        + family.taskType().yamlName() + why + "; remove it"));
                markInvalid(key);
            }
        }
    }

    private void checkPresence() {
        for (ConfigKey required : List.of(ConfigKeys.BASE_MODEL, ConfigKeys.TRAIN_DATA_DIR)) {
            if (!origin.isWritten(required)) {
                problems.add(new ConfigProblem(source, 0, 0, required.name(), "is required; add `" + required.name()
                        + ": \"...\"` (see `lora init` for a template)"));
            }
        }
        bothSet(ConfigKeys.MAX_STEPS, ConfigKeys.EPOCHS, "training length is given twice; keep either epochs or "
                + "max_steps (max_steps counts optimiser steps)");
        bothSet(ConfigKeys.WARMUP_RATIO, ConfigKeys.WARMUP_STEPS, "warmup is given twice; keep either warmup_steps "
                + "or warmup_ratio");
    }

    private void bothSet(ConfigKey second, ConfigKey first, String message) {
        if (values.containsKey(first) && values.containsKey(second)) {
            problems.add(origin.problem(second, message));
            markInvalid(second);
        }
    }

    private RunConfig build(ModelFamily family) {
        ModelType type = choice(ConfigKeys.MODEL_TYPE, ModelType.class, ModelType.AUTO);
        boolean sdxl = type == ModelType.SDXL;
        // A missing required path has been reported; the placeholder only lets the other checks run.
        ModelSection model = new ModelSection(type, pathOr(ConfigKeys.BASE_MODEL, MISSING), family.taskType(),
                path(ConfigKeys.TOKENIZER_PATH));
        DataSection data = new DataSection(pathOr(ConfigKeys.TRAIN_DATA_DIR, MISSING), path(ConfigKeys.METADATA_PATH));
        TextSection text = family != ModelFamily.LLM ? null : new TextSection(integer(ConfigKeys.MAX_SEQ_LENGTH, 512),
                string(ConfigKeys.RESPONSE_TEMPLATE, "### Response:"), bool(ConfigKeys.TRAIN_ON_PROMPT, false),
                bool(ConfigKeys.PACKING, false));
        ImageSection image = family != ModelFamily.SD ? null : new ImageSection(
                integer(ConfigKeys.RESOLUTION, sdxl ? 1024 : 512), integer(ConfigKeys.MIN_RESOLUTION, 512),
                bool(ConfigKeys.ENABLE_BUCKET, true), integer(ConfigKeys.MIN_BUCKET_RESO, 256),
                integer(ConfigKeys.MAX_BUCKET_RESO, sdxl ? 2048 : 1024), integer(ConfigKeys.BUCKET_RESO_STEPS, 64),
                bool(ConfigKeys.RANDOM_CROP, false), bool(ConfigKeys.FLIP_AUG, false),
                bool(ConfigKeys.CACHE_LATENTS, true), bool(ConfigKeys.SHUFFLE_CAPTION, false),
                integer(ConfigKeys.KEEP_TOKENS, 0), number(ConfigKeys.CAPTION_DROPOUT_RATE, 0.0),
                string(ConfigKeys.CAPTION_EXTENSION, ".caption"), bool(ConfigKeys.AUTO_LABEL, false),
                string(ConfigKeys.LABEL_MODEL, null));
        int rank = integer(ConfigKeys.LORA_RANK, 8);
        LoraSection lora = new LoraSection(rank, number(ConfigKeys.LORA_ALPHA, (double) rank),
                number(ConfigKeys.LORA_DROPOUT, 0.0), bool(ConfigKeys.USE_RSLORA, false),
                stringList(ConfigKeys.TARGET_MODULES, family == ModelFamily.LLM ? LLM_TARGET_MODULES : SD_TARGET_MODULES),
                path(ConfigKeys.NETWORK_WEIGHTS));
        Integer maxSteps = (Integer) values.get(ConfigKeys.MAX_STEPS);
        Integer epochs = maxSteps != null ? null : integer(ConfigKeys.EPOCHS, DEFAULT_EPOCHS);
        OptimSection optim = new OptimSection(integer(ConfigKeys.BATCH_SIZE, 1), epochs, maxSteps,
                number(ConfigKeys.LEARNING_RATE, 1e-4), choice(ConfigKeys.LR_SCHEDULER, LrScheduler.class,
                LrScheduler.COSINE), integer(ConfigKeys.WARMUP_STEPS, 0), (Double) values.get(ConfigKeys.WARMUP_RATIO),
                number(ConfigKeys.WEIGHT_DECAY, 0.01), number(ConfigKeys.ADAM_BETA1, 0.9),
                number(ConfigKeys.ADAM_BETA2, 0.999), number(ConfigKeys.ADAM_EPSILON, 1e-8),
                number(ConfigKeys.MAX_GRAD_NORM, 1.0), integer(ConfigKeys.GRADIENT_ACCUMULATION_STEPS, 1),
                integer(ConfigKeys.MAX_NONFINITE_STEPS, 10));
        DiffusionSection diffusion = family != ModelFamily.SD ? null : new DiffusionSection(
                bool(ConfigKeys.TRAIN_TEXT_ENCODER, false), (Double) values.get(ConfigKeys.UNET_LR),
                (Double) values.get(ConfigKeys.TEXT_ENCODER_LR), number(ConfigKeys.NOISE_OFFSET, 0.0),
                number(ConfigKeys.MIN_SNR_GAMMA, 0.0), choice(ConfigKeys.PREDICTION_TYPE, PredictionType.class,
                PredictionType.EPSILON), choice(ConfigKeys.SAMPLE_SAMPLER, SampleSampler.class, SampleSampler.DDIM),
                integer(ConfigKeys.SAMPLE_STEPS, 30), number(ConfigKeys.GUIDANCE_SCALE, 7.5));
        RuntimeSection runtime = new RuntimeSection(choice(ConfigKeys.MIXED_PRECISION, MixedPrecision.class,
                MixedPrecision.NO), integer(ConfigKeys.SEED, 42), Device.parse(string(ConfigKeys.DEVICE, "auto")),
                integer(ConfigKeys.NUM_GPUS, 1));
        OutputSection output = output(family, path(ConfigKeys.TRAIN_DATA_DIR));
        for (CrossFieldRules.Violation v : CrossFieldRules.check(model, text, image, lora, optim, diffusion, runtime,
                output)) {
            if (v.keys().stream().noneMatch(invalid::contains)) {
                problems.add(origin.problem(v.keys(), v.message()));
            }
        }
        if (!problems.isEmpty()) {
            return null;
        }
        return new RunConfig(model, data, text, image, lora, optim, diffusion, runtime, output, origin);
    }

    private OutputSection output(ModelFamily family, Path trainDataDir) {
        Path outputDir = path(ConfigKeys.OUTPUT_DIR);
        if (outputDir == null) {
            // The seeds' LLaMA config has no output_dir; rather than refuse it, name the output after the data.
            outputDir = Path.of("./output").resolve(lastElement(trainDataDir, "lora"));
        }
        List<ExportFormat> defaultFormats = List.of(family == ModelFamily.LLM ? ExportFormat.PEFT : ExportFormat.KOHYA);
        List<ExportFormat> formats = new ArrayList<>();
        for (String f : stringList(ConfigKeys.EXPORT_FORMATS, List.of())) {
            formats.add(YamlNamed.parse(ExportFormat.class, f).orElseThrow());
        }
        return new OutputSection(outputDir, string(ConfigKeys.OUTPUT_NAME, lastElement(outputDir, "lora")),
                integer(ConfigKeys.SAVE_STEPS, 0), integer(ConfigKeys.SAVE_TOTAL_LIMIT, 0), path(ConfigKeys.RESUME_FROM),
                pathOr(ConfigKeys.LOGGING_DIR, outputDir.resolve("logs")), integer(ConfigKeys.LOG_EVERY_N_STEPS, 10),
                integer(ConfigKeys.SAMPLE_EVERY_N_STEPS, 0), stringList(ConfigKeys.SAMPLE_PROMPTS, List.of()),
                formats.isEmpty() ? defaultFormats : formats);
    }

    private static String lastElement(Path p, String fallback) {
        Path name = p == null ? null : p.normalize().getFileName();
        return name == null || name.toString().isEmpty() || name.toString().equals("..") ? fallback : name.toString();
    }

    private Path path(ConfigKey key) {
        return pathOr(key, null);
    }

    private Path pathOr(ConfigKey key, Path fallback) {
        String s = (String) values.get(key);
        if (s == null) {
            return fallback;
        }
        try {
            return Path.of(s);
        } catch (InvalidPathException e) {
            problems.add(origin.problem(key, "is not a usable path: " + e.getReason()));
            return fallback != null ? fallback : Path.of("invalid");
        }
    }

    private int integer(ConfigKey key, int fallback) {
        return (Integer) values.getOrDefault(key, fallback);
    }

    private double number(ConfigKey key, double fallback) {
        return (Double) values.getOrDefault(key, fallback);
    }

    private boolean bool(ConfigKey key, boolean fallback) {
        return (Boolean) values.getOrDefault(key, fallback);
    }

    private String string(ConfigKey key, String fallback) {
        return (String) values.getOrDefault(key, fallback);
    }

    @SuppressWarnings("unchecked")
    private List<String> stringList(ConfigKey key, List<String> fallback) {
        return (List<String>) values.getOrDefault(key, fallback);
    }

    private <E extends Enum<E> & YamlNamed> E choice(ConfigKey key, Class<E> type, E fallback) {
        String s = (String) values.get(key);
        return s == null ? fallback : YamlNamed.parse(type, s).orElseThrow();
    }
}
