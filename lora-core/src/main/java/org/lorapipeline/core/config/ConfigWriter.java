package org.lorapipeline.core.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes the effective config back as flat YAML in schema order, every value quoted the way Python's
 * yaml.safe_load reads back the same (so {@code mixed_precision: "no"} stays a string there too).
 */
final class ConfigWriter {
    private ConfigWriter() {}

    static String write(RunConfig config) {
        StringBuilder sb = new StringBuilder()
                .append("# Effective run config: every setting, defaults filled in. Loads back unchanged.\n");
        values(config).forEach((key, value) -> sb.append(key.name()).append(": ").append(format(value)).append('\n'));
        return sb.toString();
    }

    /** Each key that applies to this config's family and has a value, in schema order. */
    static Map<ConfigKey, Object> values(RunConfig c) {
        Map<ConfigKey, Object> all = new LinkedHashMap<>();
        for (ConfigKey key : ConfigKeys.all()) {
            if (key.applies().to(c.family())) {
                Object v = value(c, key);
                if (v != null) {
                    all.put(key, v);
                }
            }
        }
        return all;
    }

    private static Object value(RunConfig c, ConfigKey key) {
        TextSection t = c.text();
        ImageSection i = c.image();
        DiffusionSection d = c.diffusion();
        OutputSection o = c.output();
        OptimSection p = c.optim();
        return switch (key.name()) {
            case "model_type" -> c.model().modelType();
            case "base_model" -> c.model().baseModel();
            case "task_type" -> c.model().taskType();
            case "tokenizer_path" -> c.model().tokenizerPath();
            case "train_data_dir" -> c.data().trainDataDir();
            case "metadata_path" -> c.data().metadataPath();
            case "max_seq_length" -> t.maxSeqLength();
            case "response_template" -> t.responseTemplate();
            case "train_on_prompt" -> t.trainOnPrompt();
            case "packing" -> t.packing();
            case "resolution" -> i.resolution();
            case "min_resolution" -> i.minResolution();
            case "enable_bucket" -> i.enableBucket();
            case "min_bucket_reso" -> i.minBucketReso();
            case "max_bucket_reso" -> i.maxBucketReso();
            case "bucket_reso_steps" -> i.bucketResoSteps();
            case "random_crop" -> i.randomCrop();
            case "flip_aug" -> i.flipAug();
            case "cache_latents" -> i.cacheLatents();
            case "shuffle_caption" -> i.shuffleCaption();
            case "keep_tokens" -> i.keepTokens();
            case "caption_dropout_rate" -> i.captionDropoutRate();
            case "caption_extension" -> i.captionExtension();
            case "auto_label" -> i.autoLabel();
            case "label_model" -> i.labelModel();
            case "lora_rank" -> c.lora().rank();
            case "lora_alpha" -> c.lora().alpha();
            case "lora_dropout" -> c.lora().dropout();
            case "use_rslora" -> c.lora().useRslora();
            case "target_modules" -> c.lora().targetModules();
            case "train_text_encoder" -> d.trainTextEncoder();
            case "network_weights" -> c.lora().networkWeights();
            case "batch_size" -> p.batchSize();
            case "epochs" -> p.epochs();
            case "max_steps" -> p.maxSteps();
            case "learning_rate" -> p.learningRate();
            case "unet_lr" -> d.unetLr();
            case "text_encoder_lr" -> d.textEncoderLr();
            case "lr_scheduler" -> p.lrScheduler();
            case "warmup_steps" -> p.warmupRatio() != null ? null : p.warmupSteps();
            case "warmup_ratio" -> p.warmupRatio();
            case "weight_decay" -> p.weightDecay();
            case "adam_beta1" -> p.adamBeta1();
            case "adam_beta2" -> p.adamBeta2();
            case "adam_epsilon" -> p.adamEpsilon();
            case "max_grad_norm" -> p.maxGradNorm();
            case "gradient_accumulation_steps" -> p.gradientAccumulationSteps();
            case "mixed_precision" -> c.runtime().mixedPrecision();
            case "seed" -> c.runtime().seed();
            case "device" -> c.runtime().device().yamlName();
            case "num_gpus" -> c.runtime().numGpus();
            case "noise_offset" -> d.noiseOffset();
            case "min_snr_gamma" -> d.minSnrGamma();
            case "prediction_type" -> d.predictionType();
            case "max_nonfinite_steps" -> p.maxNonfiniteSteps();
            case "output_dir" -> o.outputDir();
            case "output_name" -> o.outputName();
            case "save_steps" -> o.saveSteps();
            case "save_total_limit" -> o.saveTotalLimit();
            case "resume_from" -> o.resumeFrom();
            case "logging_dir" -> o.loggingDir();
            case "log_every_n_steps" -> o.logEveryNSteps();
            case "sample_every_n_steps" -> o.sampleEveryNSteps();
            case "sample_prompts" -> o.samplePrompts();
            case "sample_sampler" -> d.sampleSampler();
            case "sample_steps" -> d.sampleSteps();
            case "guidance_scale" -> d.guidanceScale();
            case "export_formats" -> o.exportFormats();
            default -> throw new IllegalStateException("ConfigWriter does not know key " + key.name());
        };
    }

    static String format(Object v) {
        if (v instanceof String || v instanceof Path) {
            return quote(v.toString());
        }
        if (v instanceof YamlNamed n) {
            return quote(n.yamlName());
        }
        if (v instanceof Double d) {
            return formatDouble(d);
        }
        if (v instanceof List<?> list) {
            return list.stream().map(ConfigWriter::format).collect(Collectors.joining(", ", "[", "]"));
        }
        return v.toString();
    }

    /** Always a YAML 1.1 float (with a dot, signed exponent) so every YAML reader sees a number. */
    static String formatDouble(double d) {
        double a = Math.abs(d);
        if (a == 0 || (a >= 1e-3 && a < 1e7)) {
            String s = java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
            return s.contains(".") ? s : s + ".0";
        }
        String s = Double.toString(d).replace('E', 'e');
        return s.contains("e-") ? s : s.replace("e", "e+");
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\x%02x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
