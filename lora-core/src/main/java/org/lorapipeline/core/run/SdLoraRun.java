package org.lorapipeline.core.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.lorapipeline.core.clip.ClipTokenizerLocator;
import org.lorapipeline.core.config.ConfigKeys;
import org.lorapipeline.core.config.DiffusionSection;
import org.lorapipeline.core.config.ExportFormat;
import org.lorapipeline.core.config.ImageSection;
import org.lorapipeline.core.config.MixedPrecision;
import org.lorapipeline.core.config.ModelFamily;
import org.lorapipeline.core.config.ModelType;
import org.lorapipeline.core.config.OptimSection;
import org.lorapipeline.core.config.PredictionType;
import org.lorapipeline.core.config.RunConfig;
import org.lorapipeline.core.dataset.InspectionRules;
import org.lorapipeline.core.engine.PrecisionPolicy;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.lora.LoraModel;
import org.lorapipeline.core.sd.NoiseSchedule;
import org.lorapipeline.core.sd.data.BucketPlanner;
import org.lorapipeline.core.sd.data.CaptionProcessor;
import org.lorapipeline.core.sd.data.LatentCache;
import org.lorapipeline.core.sd.data.SdBatchPlan;
import org.lorapipeline.core.sd.data.SdImageDataset;
import org.lorapipeline.core.sd.train.SdAdapterFile;
import org.lorapipeline.core.sd.train.SdLatents;
import org.lorapipeline.core.sd.train.SdLoraTargets;
import org.lorapipeline.core.sd.train.SdModels;
import org.lorapipeline.core.sd.train.SdNetworkWeights;
import org.lorapipeline.core.sd.train.SdTrainOptions;
import org.lorapipeline.core.sd.train.SdTrainer;
import org.lorapipeline.core.tensor.AtomicFiles;
import org.lorapipeline.core.tensorboard.EventFileWriter;
import org.lorapipeline.core.train.LrSchedule;
import org.lorapipeline.core.train.TrainOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole local Stable Diffusion 1.x LoRA run from a {@link RunConfig}, kohya's {@code train_network.py} in
 * behaviour: images and captions, buckets, the latent cache (filled before training), LoRA on the UNet's
 * Transformer2DModels (and the CLIP text encoder with {@code train_text_encoder}), the denoising step loop with the
 * LLaMA run's checkpoint/resume/cancel/NaN rules, TensorBoard scalars, preview samples, and at the end the kohya
 * file A1111/ComfyUI load (and the diffusers file when asked). Relative paths resolve against {@code workingDir}.
 *
 * <p>Writes into {@code output_dir}: {@code config.yaml}, {@code checkpoint-NNNNNN/} (adapter, optimizer, state and
 * a usable kohya file), {@code latent_cache/}, {@code samples/}, TensorBoard files under {@code logging_dir},
 * {@code <output_name>.safetensors} and, with diffusers export, {@code diffusers/pytorch_lora_weights.safetensors}.
 */
public final class SdLoraRun {
    private static final Logger log = LoggerFactory.getLogger(SdLoraRun.class);
    /** Where cached latents go unless the run is told otherwise. */
    public static final String LATENT_CACHE_DIR = "latent_cache";

    private final RunConfig config;
    private final RunPaths paths;
    private final RunListener listener;
    private final CancelFlag cancel;
    private final ClipTokenizerLocator locator;

    private SdLoraRun(RunConfig config, RunPaths paths, RunListener listener, CancelFlag cancel,
                      ClipTokenizerLocator locator) {
        this.config = config;
        this.paths = paths;
        this.listener = listener == null ? RunListener.NONE : listener;
        this.cancel = cancel == null ? new CancelFlag() : cancel;
        this.locator = locator;
    }

    /**
     * Runs training to the end, to a cancel, or to a {@link TrainingDivergedException}.
     *
     * @throws IllegalArgumentException for problems a user can fix (paths, data, mismatched LoRA files), naming them
     */
    public static RunResult run(RunConfig config, Path workingDir, RunListener listener, CancelFlag cancel)
            throws IOException {
        return run(config, workingDir, listener, cancel, new ClipTokenizerLocator());
    }

    /** As {@link #run(RunConfig, Path, RunListener, CancelFlag)} with the Hugging Face cache lookup given. */
    public static RunResult run(RunConfig config, Path workingDir, RunListener listener, CancelFlag cancel,
                                ClipTokenizerLocator locator) throws IOException {
        if (config.family() != ModelFamily.SD) {
            throw new IllegalArgumentException("task_type " + config.model().taskType().yamlName() + ": this trainer"
                    + " runs Stable Diffusion text-to-image configs only");
        }
        if (config.model().modelType() == ModelType.SDXL) {
            throw new IllegalArgumentException("model_type: sdxl is not supported yet; train SD 1.x (model_type: sd15"
                    + " or auto)");
        }
        for (ExportFormat f : config.output().exportFormats()) {
            if (f != ExportFormat.KOHYA && f != ExportFormat.DIFFUSERS) {
                throw new IllegalArgumentException("export_formats: '" + f.yamlName() + "' is not written for Stable"
                        + " Diffusion runs yet; use kohya (A1111/ComfyUI) and/or diffusers");
            }
        }
        return new SdLoraRun(config, RunPaths.resolve(config, workingDir), listener, cancel, locator)
                .execute(workingDir);
    }

    private RunResult execute(Path workingDir) throws IOException {
        ImageSection image = config.image();
        DiffusionSection diffusion = config.diffusion();
        OptimSection optim = config.optim();
        long seed = config.runtime().seed();
        Path metadata = config.data().metadataPath() == null ? null
                : workingDir.resolve(config.data().metadataPath()).toAbsolutePath().normalize();
        SdImageDataset data = SdImageDataset.load(paths.trainData(), metadata, image.captionExtension(),
                InspectionRules.forTraining(image.minResolution()));
        BucketPlanner planner = BucketPlanner.of(image);
        SdBatchPlan plan = new SdBatchPlan(data.images(), planner, optim.batchSize(), seed);
        int accum = optim.gradientAccumulationSteps();
        int stepsPerEpoch = (plan.batchesPerEpoch() + accum - 1) / accum;
        long totalSteps = optim.maxSteps() != null ? optim.maxSteps() : (long) optim.epochs() * stepsPerEpoch;
        int total = Math.toIntExact(totalSteps);
        int warmup = optim.warmupSteps(total);
        double unetLr = diffusion.unetLr() != null ? diffusion.unetLr() : optim.learningRate();
        double textLr = diffusion.textEncoderLr() != null ? diffusion.textEncoderLr() : optim.learningRate();
        LrSchedule unetSchedule = new LrSchedule(optim.lrScheduler(), unetLr, warmup, total);
        LrSchedule textSchedule = new LrSchedule(optim.lrScheduler(), textLr, warmup, total);
        String yaml = config.toYaml();
        AtomicFiles.write(paths.outputDir().resolve("config.yaml"),
                out -> out.write(yaml.getBytes(StandardCharsets.UTF_8)));
        Path tokenizerPath = config.model().tokenizerPath() == null ? null
                : workingDir.resolve(config.model().tokenizerPath()).toAbsolutePath().normalize();

        TorchRuntime runtime = TorchRuntime.open(config.runtime().device().yamlName());
        if (config.runtime().mixedPrecision() != MixedPrecision.NO) {
            PrecisionPolicy.resolve(config.runtime().mixedPrecision(), runtime.device()); // CPU / bf16: its clear error
            // the UNet's convolutions and GroupNorms have no half-precision path yet; say so instead of pretending
            throw new IllegalArgumentException("mixed_precision: " + config.runtime().mixedPrecision().yamlName()
                    + " is implemented for LLaMA runs only; Stable Diffusion trains in fp32 for now. Set"
                    + " mixed_precision: \"no\"");
        }
        try (var root = runtime.newManager();
             SdModels models = SdModels.load(paths.baseModel(), tokenizerPath, root, locator);
             EventFileWriter events = EventFileWriter.create(paths.loggingDir())) {
            data.longCaptions(models.tokenizer()).forEach(l -> log.warn("caption longer than CLIP's 77 tokens,"
                    + " the end is cut off: {}", l));
            boolean trainText = diffusion.trainTextEncoder();
            SdNetworkWeights start = SdNetworkWeights.resolve(config, paths.networkWeights(),
                    SdLoraTargets.linears(models.unet().linears(), models.textEncoder().linears()).keySet());
            LoraModel lora = LoraModel.inject(SdLoraTargets.linears(models.unet().linears(),
                    trainText ? models.textEncoder().linears() : null), start.loraConfig(), models.unet().manager(),
                    seed);
            start.applyTo(lora);
            NoiseSchedule schedule = new NoiseSchedule(models.checkpoint().schedulerConfig());
            SdTrainer trainer = new SdTrainer(models.unet(), models.textEncoder(), lora, schedule,
                    vPrediction(models), new SdTrainOptions(new TrainOptions(optim.weightDecay(), optim.adamBeta1(),
                    optim.adamBeta2(), optim.adamEpsilon(), optim.maxGradNorm(), seed), diffusion.noiseOffset(),
                    diffusion.minSnrGamma(), trainText));
            LatentCache cache = image.cacheLatents() ? LatentCache.open(paths.outputDir().resolve(LATENT_CACHE_DIR),
                    LatentCache.vaeIdentity(models.checkpoint().vaeWeights())) : null;
            SdLatents latents = new SdLatents(models.vae(), cache, models.tokenizer(), new CaptionProcessor(image),
                    image);
            int encoded = latents.precache(data.images(), planner, listener::latentsCached);
            if (cache != null) {
                log.info("latent cache {}: {} entries encoded now, {} reused", cache.vaeIdentity(), encoded,
                        cache.hits());
            }
            SdOutputs outputs = new SdOutputs(config, paths, models, lora, data, plan, totalSteps, listener);
            SdStepLoop loop = new SdStepLoop(config, plan, latents, trainer, unetSchedule, textSchedule, totalSteps,
                    listener, cancel);
            if (paths.resumeFrom() != null) {
                TrainerState s = TrainerState.read(paths.resumeFrom().resolve(TrainerState.FILE));
                SdAdapterFile.load(paths.resumeFrom(), lora);
                if (s.optimizerStep() > 0) {
                    Checkpoints.Moments m = Checkpoints.readOptimizer(paths.resumeFrom());
                    trainer.restoreOptimizer(s.optimizerStep(), m.first(), m.second());
                }
                loop.resume(s, paths.resumeFrom());
            }
            listener.started(loop.at.globalStep, totalSteps, data.stats() + "; " + plan.batchesPerEpoch()
                    + " batches/epoch, " + totalSteps + " steps; LoRA r=" + lora.config().r() + " alpha="
                    + lora.config().loraAlpha() + " on " + lora.targets().size() + " modules ("
                    + lora.trainableCount() + " trainable)" + (trainText ? ", text encoder trained" : ""));
            PredictionType prediction = vPrediction(models) ? PredictionType.V_PREDICTION : PredictionType.EPSILON;
            RunResult.Status status = loop.run(events, state -> outputs.checkpoint(trainer, state),
                    step -> outputs.samples(step, events, prediction));
            Map<String, Path> exports = Map.of();
            if (status == RunResult.Status.COMPLETED) {
                if (!config.output().samplePrompts().isEmpty()) {
                    outputs.samples(loop.at.globalStep, events, prediction);
                }
                exports = outputs.exports(loop.at.globalStep, loop.at.epoch);
            }
            log.info("VAE encodes during this run: {}", latents.encodes());
            return new RunResult(status, loop.at.globalStep, loop.at.losses, loop.at.skippedTotal, loop.at.lastCheckpoint,
                    exports, null);
        }
    }

    /** prediction_type as written in the config, else what the checkpoint's scheduler says. */
    private boolean vPrediction(SdModels models) {
        if (config.origin().isWritten(ConfigKeys.PREDICTION_TYPE)) {
            return config.diffusion().predictionType() == PredictionType.V_PREDICTION;
        }
        return models.checkpoint().schedulerConfig().predictionType().equals("v_prediction");
    }
}
