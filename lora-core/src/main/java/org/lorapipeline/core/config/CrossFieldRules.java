package org.lorapipeline.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Rules that involve more than one key. Used by the loader (which turns each violation into a located
 * problem) and by {@link RunConfig}'s constructor, so configs built in code obey the same rules.
 */
final class CrossFieldRules {
    /** A broken rule; {@code keys} are the keys involved, the first one written in the file is reported. */
    record Violation(List<ConfigKey> keys, String message) {}

    private CrossFieldRules() {}

    static List<Violation> check(ModelSection model, TextSection text, ImageSection image, LoraSection lora,
                                 OptimSection optim, DiffusionSection diffusion, RuntimeSection runtime,
                                 OutputSection output) {
        List<Violation> out = new ArrayList<>();
        runtime(runtime, out);
        optim(optim, out);
        if (text != null) {
            text(text, out);
        }
        if (image != null) {
            image(image, out);
        }
        if (diffusion != null && diffusion.textEncoderLr() != null && !diffusion.trainTextEncoder()) {
            out.add(new Violation(List.of(ConfigKeys.TEXT_ENCODER_LR, ConfigKeys.TRAIN_TEXT_ENCODER),
                    "is set but train_text_encoder is false, so it would have no effect; set "
                            + "train_text_encoder: true or remove text_encoder_lr"));
        }
        if (lora.networkWeights() != null && output.resumeFrom() != null) {
            out.add(new Violation(List.of(ConfigKeys.NETWORK_WEIGHTS, ConfigKeys.RESUME_FROM),
                    "network_weights starts a new run from an existing LoRA, resume_from continues a stopped run "
                            + "(weights, optimiser and step); set only one of them"));
        }
        if (output.sampleEveryNSteps() > 0 && output.samplePrompts().isEmpty()) {
            out.add(new Violation(List.of(ConfigKeys.SAMPLE_EVERY_N_STEPS, ConfigKeys.SAMPLE_PROMPTS),
                    "previews are asked for every " + output.sampleEveryNSteps()
                            + " steps but sample_prompts is empty; add prompts or set sample_every_n_steps: 0"));
        }
        exportFormats(model.family(), output, out);
        return out;
    }

    private static void runtime(RuntimeSection runtime, List<Violation> out) {
        if (runtime.device().kind() == Device.Kind.CPU && runtime.mixedPrecision() != MixedPrecision.NO) {
            out.add(new Violation(List.of(ConfigKeys.MIXED_PRECISION, ConfigKeys.DEVICE),
                    runtime.mixedPrecision().yamlName() + " mixed precision needs a CUDA GPU but device is cpu; "
                            + "set mixed_precision: no, or device: cuda (or auto)"));
        }
    }

    private static void optim(OptimSection optim, List<Violation> out) {
        boolean warmup = optim.warmupSteps() > 0 || (optim.warmupRatio() != null && optim.warmupRatio() > 0);
        if (warmup && optim.lrScheduler() == LrScheduler.CONSTANT) {
            out.add(new Violation(List.of(ConfigKeys.WARMUP_STEPS, ConfigKeys.WARMUP_RATIO, ConfigKeys.LR_SCHEDULER),
                    "the constant scheduler ignores warmup; set lr_scheduler: constant_with_warmup (or linear/cosine),"
                            + " or remove the warmup"));
        }
        if (optim.maxSteps() != null && optim.warmupSteps() >= optim.maxSteps()) {
            out.add(new Violation(List.of(ConfigKeys.WARMUP_STEPS, ConfigKeys.MAX_STEPS),
                    "warmup (" + optim.warmupSteps() + " steps) must be shorter than max_steps ("
                            + optim.maxSteps() + "); lower warmup_steps"));
        }
    }

    private static void text(TextSection text, List<Violation> out) {
        if (!text.trainOnPrompt() && text.responseTemplate().isBlank()) {
            out.add(new Violation(List.of(ConfigKeys.RESPONSE_TEMPLATE, ConfigKeys.TRAIN_ON_PROMPT),
                    "is empty, so the prompt cannot be masked; give the marker that starts each answer (e.g. "
                            + "\"### Response:\") or set train_on_prompt: true"));
        }
    }

    private static void image(ImageSection image, List<Violation> out) {
        if (image.randomCrop() && image.cacheLatents()) {
            // kohya refuses this too: a cached latent is one fixed crop.
            out.add(new Violation(List.of(ConfigKeys.RANDOM_CROP, ConfigKeys.CACHE_LATENTS),
                    "random_crop picks a new crop every epoch, so latents cannot be cached; set "
                            + "cache_latents: false or random_crop: false"));
        }
        if (!image.enableBucket()) {
            return;
        }
        int steps = image.bucketResoSteps();
        if (image.minBucketReso() > image.maxBucketReso()) {
            out.add(new Violation(List.of(ConfigKeys.MIN_BUCKET_RESO, ConfigKeys.MAX_BUCKET_RESO),
                    "min_bucket_reso (" + image.minBucketReso() + ") is larger than max_bucket_reso ("
                            + image.maxBucketReso() + "); swap or fix them"));
        }
        for (ConfigKey k : List.of(ConfigKeys.MIN_BUCKET_RESO, ConfigKeys.MAX_BUCKET_RESO)) {
            int v = k == ConfigKeys.MIN_BUCKET_RESO ? image.minBucketReso() : image.maxBucketReso();
            if (v % steps != 0) {
                out.add(new Violation(List.of(k, ConfigKeys.BUCKET_RESO_STEPS), "must be divisible by "
                        + "bucket_reso_steps (" + steps + "), got " + v + "; use " + (v / steps) * steps
                        + " or " + (v / steps + 1) * steps));
            }
        }
        if (image.resolution() > image.maxBucketReso() || image.resolution() < image.minBucketReso()) {
            out.add(new Violation(List.of(ConfigKeys.RESOLUTION, ConfigKeys.MAX_BUCKET_RESO, ConfigKeys.MIN_BUCKET_RESO),
                    "resolution " + image.resolution() + " is outside the bucket range [" + image.minBucketReso()
                            + ", " + image.maxBucketReso() + "]; widen min_bucket_reso/max_bucket_reso"));
        }
    }

    private static void exportFormats(ModelFamily family, OutputSection output, List<Violation> out) {
        List<ExportFormat> wrong = family == ModelFamily.LLM
                ? List.of(ExportFormat.KOHYA, ExportFormat.DIFFUSERS) : List.of(ExportFormat.GGUF);
        for (ExportFormat f : output.exportFormats()) {
            if (wrong.contains(f)) {
                out.add(new Violation(List.of(ConfigKeys.EXPORT_FORMATS), f.yamlName() + " is not a format for "
                        + (family == ModelFamily.LLM ? "text-generation (LLaMA) adapters; use peft, gguf or merged"
                        : "Stable Diffusion adapters; use kohya, diffusers, peft or merged")));
            }
        }
    }
}
