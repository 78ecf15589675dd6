package org.lorapipeline.core.run;

import ai.djl.Device;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipeline.core.config.ExportFormat;
import org.lorapipeline.core.config.ModelFamily;
import org.lorapipeline.core.config.ModelType;
import org.lorapipeline.core.config.OptimSection;
import org.lorapipeline.core.config.RunConfig;
import org.lorapipeline.core.engine.PrecisionPolicy;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.llama.BaseModelLocation;
import org.lorapipeline.core.llama.LlamaCheckpoint;
import org.lorapipeline.core.llama.LlamaConfig;
import org.lorapipeline.core.llama.LlamaModel;
import org.lorapipeline.core.llama.LlamaTokenizer;
import org.lorapipeline.core.lora.LoraModel;
import org.lorapipeline.core.peft.AdapterConfig;
import org.lorapipeline.core.tensor.AtomicFiles;
import org.lorapipeline.core.tensorboard.EventFileWriter;
import org.lorapipeline.core.train.Batch;
import org.lorapipeline.core.train.DataParallel;
import org.lorapipeline.core.train.LossScaler;
import org.lorapipeline.core.train.BatchPlan;
import org.lorapipeline.core.train.LoraTrainer;
import org.lorapipeline.core.train.LrSchedule;
import org.lorapipeline.core.train.StepResult;
import org.lorapipeline.core.train.TextDataset;
import org.lorapipeline.core.train.TextRecords;
import org.lorapipeline.core.train.TrainOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole local LLaMA LoRA run from a {@link RunConfig}: data, model, LoRA, the step loop (epochs or max_steps,
 * accumulation, clipping, schedule), NaN/Inf handling, TensorBoard scalars, checkpoints, resume, cancel, exports.
 * Relative paths in the config resolve against {@code workingDir}.
 *
 * <p>Writes into {@code output_dir}: {@code config.yaml} (the effective config), {@code checkpoint-NNNNNN/},
 * TensorBoard files under {@code logging_dir}, and at the end the PEFT adapter files, {@code <output_name>.gguf}
 * and {@code merged/} as {@code export_formats} asks.
 */
public final class LoraRun {
    private static final Logger log = LoggerFactory.getLogger(LoraRun.class);

    private final RunConfig config;
    private final RunPaths paths;
    private final RunListener listener;
    private final CancelFlag cancel;

    private LoraRun(RunConfig config, RunPaths paths, RunListener listener, CancelFlag cancel) {
        this.config = config;
        this.paths = paths;
        this.listener = listener == null ? RunListener.NONE : listener;
        this.cancel = cancel == null ? new CancelFlag() : cancel;
    }

    /**
     * Runs training to the end, to a cancel, or to a {@link TrainingDivergedException}. The one entry point for
     * every model family: text-to-image configs go to {@link SdLoraRun}; with {@code model_type: auto} the base
     * model's files must fit the config's family.
     *
     * @throws IllegalArgumentException for problems a user can fix (paths, data, mismatched adapters), naming them
     */
    public static RunResult run(RunConfig config, Path workingDir, RunListener listener, CancelFlag cancel)
            throws IOException {
        RunPaths paths = RunPaths.resolve(config, workingDir);
        if (config.model().modelType() == ModelType.AUTO) {
            BaseModelKind.detect(paths.baseModel()).filter(f -> f != config.family()).ifPresent(f -> {
                throw new IllegalArgumentException("base_model " + paths.baseModel() + " is a "
                        + (f == ModelFamily.SD ? "Stable Diffusion" : "LLaMA/transformers") + " checkpoint but the"
                        + " config is for " + config.model().taskType().yamlName() + "; set task_type: "
                        + f.taskType().yamlName() + " (or give the right base_model)");
            });
        }
        if (config.family() == ModelFamily.SD) {
            return SdLoraRun.run(config, workingDir, listener, cancel);
        }
        for (ExportFormat f : config.output().exportFormats()) {
            if (f != ExportFormat.PEFT && f != ExportFormat.GGUF && f != ExportFormat.MERGED) {
                throw new IllegalArgumentException("export_formats: '" + f.yamlName() + "' is for Stable Diffusion;"
                        + " LLaMA runs export peft, gguf and merged");
            }
        }
        return new LoraRun(config, paths, listener, cancel).execute();
    }

    private RunResult execute() throws IOException {
        OptimSection optim = config.optim();
        long seed = config.runtime().seed();
        // device, precision and GPU count are checked before any data or weights are read
        TorchRuntime runtime = TorchRuntime.open(config.runtime().device().yamlName());
        PrecisionPolicy precision = PrecisionPolicy.resolve(config.runtime().mixedPrecision(), runtime.device());
        List<Device> devices = runtime.dataParallelDevices(config.runtime().numGpus());
        BaseModelLocation base = BaseModelLocation.resolve(paths.baseModel());
        LlamaConfig llama = LlamaConfig.read(base.configJson());
        TextDataset data;
        long padId;
        try (LlamaTokenizer tokenizer = LlamaTokenizer.open(paths.tokenizer())) {
            var text = config.text();
            data = TextDataset.build(TextRecords.read(paths.trainData(), text.responseTemplate()), tokenizer,
                    text.maxSeqLength(), text.trainOnPrompt(), text.packing(), llama.vocabSize());
            padId = tokenizer.padId();
        }
        BatchPlan plan = new BatchPlan(data.examples(), optim.batchSize(), seed, padId, true);
        int accum = optim.gradientAccumulationSteps();
        int stepsPerEpoch = (plan.batchesPerEpoch() + accum - 1) / accum;
        long totalSteps = optim.maxSteps() != null ? optim.maxSteps() : (long) optim.epochs() * stepsPerEpoch;
        LrSchedule schedule = new LrSchedule(optim.lrScheduler(), optim.learningRate(),
                optim.warmupSteps(Math.toIntExact(totalSteps)), Math.toIntExact(totalSteps));
        writeEffectiveConfig();

        try (LlamaModel model = LlamaCheckpoint.load(paths.baseModel(), runtime.newManager());
             EventFileWriter events = EventFileWriter.create(paths.loggingDir())) {
            ModelReplicas.applyPrecision(model, precision);
            InitialAdapter init = InitialAdapter.resolve(config, paths.networkWeights());
            LoraModel lora = LoraModel.inject(model.linears(), init.loraConfig(), model.manager(), seed);
            init.applyTo(lora);
            AdapterConfig adapterConfig = LoraExports.adapterConfig(lora, config.model().baseModel().toString());
            try (ModelReplicas replicas = ModelReplicas.build(runtime, paths.baseModel(), model, lora, devices,
                    precision, init.loraConfig(), seed)) {
                return train(adapterConfig, base, replicas.parallel(), precision, data, plan, schedule, totalSteps,
                        events);
            }
        }
    }

    private RunResult train(AdapterConfig adapterConfig, BaseModelLocation base, DataParallel parallel,
                            PrecisionPolicy precision, TextDataset data, BatchPlan plan, LrSchedule schedule,
                            long totalSteps, EventFileWriter events) throws IOException {
        LlamaModel model = parallel.primary().model();
        LoraModel lora = parallel.primary().lora();
        OptimSection optim = config.optim();
        long seed = config.runtime().seed();
        int accum = optim.gradientAccumulationSteps();
        LoraTrainer trainer = new LoraTrainer(parallel, new TrainOptions(optim.weightDecay(), optim.adamBeta1(),
                optim.adamBeta2(), optim.adamEpsilon(), optim.maxGradNorm(), seed),
                precision.lossScaling() ? LossScaler.dynamic() : LossScaler.disabled());
        StepLoop loop = new StepLoop(plan, trainer, schedule, totalSteps, seed, accum);
        if (paths.resumeFrom() != null) {
            loop.resume(Checkpoints.load(paths.resumeFrom(), lora, trainer), paths.resumeFrom());
        }
        listener.started(loop.at.globalStep, totalSteps, data.stats() + "; " + plan.batchesPerEpoch()
                + " batches/epoch, " + totalSteps + " steps; LoRA r=" + lora.config().r() + " alpha="
                + lora.config().loraAlpha() + " on " + lora.config().targetModules() + " ("
                + lora.trainableCount() + " trainable); precision " + precision.describe() + "; "
                + (parallel.size() > 1 ? "data parallel over " + parallel.size() + " GPUs"
                : "device " + parallel.primary().device()));
        RunResult.Status status = loop.run(lora, adapterConfig, events);
        Map<String, Path> exports = status == RunResult.Status.COMPLETED
                ? export(model, lora, adapterConfig, base) : Map.of();
        return new RunResult(status, loop.at.globalStep, loop.at.losses, loop.at.skippedTotal, loop.at.lastCheckpoint, exports,
                data.stats());
    }

    private void writeEffectiveConfig() throws IOException {
        String yaml = config.toYaml();
        AtomicFiles.write(paths.outputDir().resolve("config.yaml"), out -> out.write(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    private Map<String, Path> export(LlamaModel model, LoraModel lora, AdapterConfig adapterConfig,
                                     BaseModelLocation base) throws IOException {
        Map<String, Path> out = new LinkedHashMap<>();
        // the PEFT files are always written: they are the adapter, and the GGUF export reads them
        out.put(ExportFormat.PEFT.yamlName(), LoraExports.writePeft(paths.outputDir(), lora, adapterConfig));
        listener.exported(ExportFormat.PEFT.yamlName(), paths.outputDir());
        List<ExportFormat> formats = config.output().exportFormats();
        if (formats.contains(ExportFormat.GGUF)) {
            Path gguf = LoraExports.writeGguf(paths.outputDir(), base.configJson(),
                    paths.outputDir().resolve(config.output().outputName() + ".gguf"));
            out.put(ExportFormat.GGUF.yamlName(), gguf);
            listener.exported(ExportFormat.GGUF.yamlName(), gguf);
        }
        if (formats.contains(ExportFormat.MERGED)) {
            Path merged = LoraExports.writeMerged(paths.outputDir().resolve("merged"), model, paths.baseModel());
            out.put(ExportFormat.MERGED.yamlName(), merged);
            listener.exported(ExportFormat.MERGED.yamlName(), merged);
        }
        return out;
    }

    /** The LLaMA optimizer step over the shared {@link LoopState}: accumulation, fp16 overflow skips, TensorBoard. */
    private final class StepLoop {
        private final BatchPlan plan;
        private final LoraTrainer trainer;
        private final LrSchedule schedule;
        private final int accum;
        final LoopState at;

        StepLoop(BatchPlan plan, LoraTrainer trainer, LrSchedule schedule, long totalSteps, long seed, int accum) {
            this.plan = plan;
            this.trainer = trainer;
            this.schedule = schedule;
            this.accum = accum;
            this.at = new LoopState(totalSteps, seed);
        }

        void resume(TrainerState s, Path from) {
            at.resume(s, from, plan.exampleCount(), config.optim().batchSize(), plan.batchesPerEpoch(), "examples");
        }

        TrainerState state() {
            return new TrainerState(at.globalStep, at.epoch, at.batchIndex, trainer.optimizer().stepCount(), at.seed,
                    at.totalSteps, at.consecutiveNonFinite, plan.exampleCount(), config.optim().batchSize(),
                    trainer.lossScaler().state());
        }

        RunResult.Status run(LoraModel lora, AdapterConfig adapterConfig, EventFileWriter events) throws IOException {
            int saveSteps = config.output().saveSteps();
            int logEvery = config.output().logEveryNSteps();
            int maxNonFinite = config.optim().maxNonfiniteSteps();
            int[] order = plan.order(at.epoch);
            while (at.globalStep < at.totalSteps) {
                if (at.nextEpochIfDone(plan.batchesPerEpoch())) {
                    order = plan.order(at.epoch);
                }
                List<Batch> micro = new ArrayList<>();
                long positions = 0;
                for (int i = 0; i < accum && at.batchIndex < plan.batchesPerEpoch(); i++) {
                    Batch b = plan.batch(order, at.batchIndex++);
                    positions += (long) b.ids().length * b.ids()[0].length;
                    micro.add(b);
                }
                long t0 = System.nanoTime();
                trainer.reseed(at.seed * 1_000_003L + at.globalStep);
                StepResult r = trainer.step(micro, schedule.lr(at.globalStep));
                double seconds = (System.nanoTime() - t0) / 1e9;
                at.stepTaken(r);
                if (r.skipped() && r.overflow() && r.lossScale() >= 1f) {
                    // fp16 overflow: the scaler backs off and finds its level; not divergence while the scale is >= 1
                    at.overflowSkipped();
                    log.info("step {}: fp16 gradients overflowed at loss scale {}; update skipped, scale now {}",
                            at.globalStep, r.lossScale(), trainer.lossScaler().scale());
                } else {
                    at.countStep(r, maxNonFinite);
                }
                double tokensPerSec = positions / Math.max(seconds, 1e-9);
                listener.step(at.progress(r, tokensPerSec, plan.batchesPerEpoch()));
                at.failIfDiverged(maxNonFinite, "Lower learning_rate, keep max_grad_norm > 0, or check the data for"
                        + " empty/odd records");
                if (at.logDue(logEvery)) {
                    long step = at.globalStep;
                    at.takeLoggedLoss().ifPresent(loss -> events.addScalar("train/loss", loss, step));
                    events.addScalar("train/learning_rate", r.learningRate(), step);
                    events.addScalar("train/grad_norm", r.gradNorm(), step);
                    events.addScalar("train/tokens_per_sec", tokensPerSec, step);
                    events.addScalar("train/epoch", at.epochFraction(plan.batchesPerEpoch()), step);
                    if (trainer.lossScaler().enabled()) {
                        events.addScalar("train/loss_scale", trainer.lossScaler().scale(), step);
                    }
                }
                boolean cancelled = cancel.isCancelled();
                if (at.checkpointDue(r.skipped(), cancelled, saveSteps)) {
                    save(lora, adapterConfig);
                }
                if (cancelled) {
                    log.info("cancelled at step {}; resume with resume_from: {}", at.globalStep, at.lastCheckpoint);
                    return RunResult.Status.CANCELLED;
                }
            }
            if (at.needsFinalCheckpoint()) {
                save(lora, adapterConfig);
            }
            return RunResult.Status.COMPLETED;
        }

        private void save(LoraModel lora, AdapterConfig adapterConfig) throws IOException {
            at.saved(Checkpoints.save(paths.outputDir(), lora, adapterConfig, trainer.optimizer(), state()));
            Checkpoints.prune(paths.outputDir(), config.output().saveTotalLimit());
            listener.checkpointSaved(at.lastCheckpoint, at.globalStep);
        }
    }
}
