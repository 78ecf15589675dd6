package org.lorapipeline.core.run;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.lorapipeline.core.config.RunConfig;
import org.lorapipeline.core.sd.data.SdBatchPlan;
import org.lorapipeline.core.sd.train.LatentBatch;
import org.lorapipeline.core.sd.train.SdLatents;
import org.lorapipeline.core.sd.train.SdTrainer;
import org.lorapipeline.core.tensorboard.EventFileWriter;
import org.lorapipeline.core.train.LrSchedule;
import org.lorapipeline.core.train.StepResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optimizer-step loop of a Stable Diffusion LoRA run and its position in the data: what a checkpoint saves and a
 * resume restores. Same rules as the LLaMA loop: NaN/Inf steps are skipped (and stop the run after
 * {@code max_nonfinite_steps} in a row), checkpoints every {@code save_steps} and at the end, cancel after a step.
 * Every random draw of a step is seeded from (seed, step) or (seed, epoch, batch), so a resumed run continues
 * exactly as the uninterrupted one.
 */
final class SdStepLoop {
    private static final Logger log = LoggerFactory.getLogger(SdStepLoop.class);

    /** Writes a checkpoint of the loop's state; called at save points. */
    interface Saver {
        Path save(TrainerState state) throws IOException;
    }

    /** Renders preview images at a step. */
    interface Sampler {
        void sample(long step) throws IOException;
    }

    private final RunConfig config;
    private final SdBatchPlan plan;
    private final SdLatents latents;
    private final SdTrainer trainer;
    private final LrSchedule unetSchedule;
    private final LrSchedule textSchedule;
    private final long totalSteps;
    private final long seed;
    private final RunListener listener;
    private final CancelFlag cancel;
    long globalStep;
    int epoch;
    int batchIndex;
    int consecutiveNonFinite;
    int skippedTotal;
    Path lastCheckpoint;
    final List<Double> losses = new ArrayList<>();

    SdStepLoop(RunConfig config, SdBatchPlan plan, SdLatents latents, SdTrainer trainer, LrSchedule unetSchedule,
               LrSchedule textSchedule, long totalSteps, RunListener listener, CancelFlag cancel) {
        this.config = config;
        this.plan = plan;
        this.latents = latents;
        this.trainer = trainer;
        this.unetSchedule = unetSchedule;
        this.textSchedule = textSchedule;
        this.totalSteps = totalSteps;
        this.seed = config.runtime().seed();
        this.listener = listener;
        this.cancel = cancel;
    }

    void resume(TrainerState s, Path from) {
        if (s.seed() != seed) {
            log.warn("resume: checkpoint seed {} differs from seed {}; the data order changes", s.seed(), seed);
        }
        if (s.examples() != plan.exampleCount() || s.batchSize() != config.optim().batchSize()) {
            log.warn("resume: the checkpoint saw {} images in batches of {}, now {} in batches of {}; the data"
                    + " position is kept but the order differs", s.examples(), s.batchSize(), plan.exampleCount(),
                    config.optim().batchSize());
        }
        if (s.totalSteps() != totalSteps) {
            log.warn("resume: the checkpoint planned {} steps, this config plans {}; the schedule follows the"
                    + " config", s.totalSteps(), totalSteps);
        }
        globalStep = s.globalStep();
        epoch = s.epoch();
        batchIndex = Math.min(s.batchIndex(), plan.batchesPerEpoch());
        consecutiveNonFinite = s.consecutiveNonFinite();
        lastCheckpoint = from;
        log.info("resumed from {} at step {} (epoch {}, batch {})", from, globalStep, epoch + 1, batchIndex);
    }

    TrainerState state() {
        return new TrainerState(globalStep, epoch, batchIndex, trainer.optimizerSteps(), seed, totalSteps,
                consecutiveNonFinite, plan.exampleCount(), config.optim().batchSize());
    }

    RunResult.Status run(EventFileWriter events, Saver saver, Sampler sampler) throws IOException {
        int saveSteps = config.output().saveSteps();
        int logEvery = config.output().logEveryNSteps();
        int sampleEvery = config.output().samplePrompts().isEmpty() ? 0 : config.output().sampleEveryNSteps();
        int maxNonFinite = config.optim().maxNonfiniteSteps();
        int accum = config.optim().gradientAccumulationSteps();
        long sessionStart = System.nanoTime();
        long sessionSteps = 0;
        long savedAt = -1;
        double logLossSum = 0;
        int logLossCount = 0;
        while (globalStep < totalSteps) {
            if (batchIndex >= plan.batchesPerEpoch()) {
                epoch++;
                batchIndex = 0;
            }
            List<LatentBatch> micro = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < accum && batchIndex < plan.batchesPerEpoch(); i++) {
                long drawSeed = (seed * 1_000_003L + epoch) * 1_000_003L + batchIndex;
                micro.add(latents.batch(plan.batch(epoch, batchIndex++), drawSeed));
            }
            trainer.reseed(seed * 1_000_003L + globalStep);
            StepResult r = trainer.step(micro, unetSchedule.lr(globalStep), textSchedule.lr(globalStep),
                    seed * 1_000_003L + globalStep);
            double seconds = (System.nanoTime() - t0) / 1e9;
            globalStep++;
            sessionSteps++;
            losses.add(r.skipped() ? Double.NaN : r.loss());
            if (r.skipped()) {
                consecutiveNonFinite++;
                skippedTotal++;
                log.warn("step {}: loss {} / gradient norm {} is not finite; update skipped ({} in a row, limit {})",
                        globalStep, r.loss(), r.gradNorm(), consecutiveNonFinite, maxNonFinite);
            } else {
                consecutiveNonFinite = 0;
                logLossSum += r.loss();
                logLossCount++;
            }
            double elapsed = (System.nanoTime() - sessionStart) / 1e9;
            double itPerSec = sessionSteps / Math.max(elapsed, 1e-9);
            double imagesPerSec = r.tokens() / Math.max(seconds, 1e-9);
            Duration eta = Duration.ofMillis((long) ((totalSteps - globalStep) / itPerSec * 1000));
            double epochFraction = epoch + (double) batchIndex / plan.batchesPerEpoch();
            listener.step(new RunProgress(globalStep, totalSteps, epochFraction, r.loss(), r.learningRate(),
                    r.gradNorm(), imagesPerSec, itPerSec, eta, r.skipped()));
            if (consecutiveNonFinite >= maxNonFinite) {
                throw new TrainingDivergedException("training diverged: loss or gradients were NaN/Inf for "
                        + consecutiveNonFinite + " steps in a row (max_nonfinite_steps " + maxNonFinite + ") at step "
                        + globalStep + "; " + (lastCheckpoint == null ? "no checkpoint was saved"
                        : "last good checkpoint: " + lastCheckpoint) + ". Lower learning_rate/unet_lr, keep"
                        + " max_grad_norm > 0, or check the images", lastCheckpoint);
            }
            if (globalStep % logEvery == 0 || globalStep == totalSteps) {
                if (logLossCount > 0) {
                    events.addScalar("train/loss", logLossSum / logLossCount, globalStep);
                }
                // kohya's tags for the two learning rates
                events.addScalar("lr/unet", r.learningRate(), globalStep);
                if (config.diffusion().trainTextEncoder()) {
                    events.addScalar("lr/textencoder", textSchedule.lr(globalStep - 1), globalStep);
                }
                events.addScalar("train/grad_norm", r.gradNorm(), globalStep);
                events.addScalar("train/images_per_sec", imagesPerSec, globalStep);
                events.addScalar("train/epoch", epochFraction, globalStep);
                logLossSum = 0;
                logLossCount = 0;
            }
            if (sampleEvery > 0 && globalStep % sampleEvery == 0 && globalStep < totalSteps) {
                sampler.sample(globalStep);
            }
            boolean cancelled = cancel.isCancelled();
            boolean due = (saveSteps > 0 && globalStep % saveSteps == 0) || globalStep == totalSteps;
            if (due && r.skipped() && !cancelled) {
                // inside a NaN/Inf streak: keep the last good checkpoint rather than rotating it away
                log.warn("step {}: checkpoint deferred, the step was skipped", globalStep);
            } else if (due || cancelled) {
                lastCheckpoint = saver.save(state());
                savedAt = globalStep;
            }
            if (cancelled) {
                log.info("cancelled at step {}; resume with resume_from: {}", globalStep, lastCheckpoint);
                return RunResult.Status.CANCELLED;
            }
        }
        if (savedAt != globalStep && lastCheckpoint == null) {
            lastCheckpoint = saver.save(state()); // a run resumed at its last step still leaves a checkpoint behind
        }
        return RunResult.Status.COMPLETED;
    }
}
