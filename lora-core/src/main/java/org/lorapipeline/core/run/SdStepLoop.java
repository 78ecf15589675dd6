package org.lorapipeline.core.run;

import java.io.IOException;
import java.nio.file.Path;
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
    private final RunListener listener;
    private final CancelFlag cancel;
    final LoopState at;

    SdStepLoop(RunConfig config, SdBatchPlan plan, SdLatents latents, SdTrainer trainer, LrSchedule unetSchedule,
               LrSchedule textSchedule, long totalSteps, RunListener listener, CancelFlag cancel) {
        this.config = config;
        this.plan = plan;
        this.latents = latents;
        this.trainer = trainer;
        this.unetSchedule = unetSchedule;
        this.textSchedule = textSchedule;
        this.listener = listener;
        this.cancel = cancel;
        this.at = new LoopState(totalSteps, config.runtime().seed());
    }

    void resume(TrainerState s, Path from) {
        at.resume(s, from, plan.exampleCount(), config.optim().batchSize(), plan.batchesPerEpoch(), "images");
    }

    TrainerState state() {
        return new TrainerState(at.globalStep, at.epoch, at.batchIndex, trainer.optimizerSteps(), at.seed,
                at.totalSteps, at.consecutiveNonFinite, plan.exampleCount(), config.optim().batchSize());
    }

    RunResult.Status run(EventFileWriter events, Saver saver, Sampler sampler) throws IOException {
        int saveSteps = config.output().saveSteps();
        int logEvery = config.output().logEveryNSteps();
        int sampleEvery = config.output().samplePrompts().isEmpty() ? 0 : config.output().sampleEveryNSteps();
        int maxNonFinite = config.optim().maxNonfiniteSteps();
        int accum = config.optim().gradientAccumulationSteps();
        long seed = at.seed;
        while (at.globalStep < at.totalSteps) {
            at.nextEpochIfDone(plan.batchesPerEpoch());
            List<LatentBatch> micro = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < accum && at.batchIndex < plan.batchesPerEpoch(); i++) {
                long drawSeed = (seed * 1_000_003L + at.epoch) * 1_000_003L + at.batchIndex;
                micro.add(latents.batch(plan.batch(at.epoch, at.batchIndex++), drawSeed));
            }
            trainer.reseed(seed * 1_000_003L + at.globalStep);
            StepResult r = trainer.step(micro, unetSchedule.lr(at.globalStep), textSchedule.lr(at.globalStep),
                    seed * 1_000_003L + at.globalStep);
            double seconds = (System.nanoTime() - t0) / 1e9;
            at.stepTaken(r);
            at.countStep(r, maxNonFinite);
            double imagesPerSec = r.tokens() / Math.max(seconds, 1e-9);
            listener.step(at.progress(r, imagesPerSec, plan.batchesPerEpoch()));
            at.failIfDiverged(maxNonFinite, "Lower learning_rate/unet_lr, keep max_grad_norm > 0, or check the images");
            if (at.logDue(logEvery)) {
                long step = at.globalStep;
                at.takeLoggedLoss().ifPresent(loss -> events.addScalar("train/loss", loss, step));
                // kohya's tags for the two learning rates
                events.addScalar("lr/unet", r.learningRate(), step);
                if (config.diffusion().trainTextEncoder()) {
                    events.addScalar("lr/textencoder", textSchedule.lr(step - 1), step);
                }
                events.addScalar("train/grad_norm", r.gradNorm(), step);
                events.addScalar("train/images_per_sec", imagesPerSec, step);
                events.addScalar("train/epoch", at.epochFraction(plan.batchesPerEpoch()), step);
            }
            if (sampleEvery > 0 && at.globalStep % sampleEvery == 0 && at.globalStep < at.totalSteps) {
                sampler.sample(at.globalStep);
            }
            boolean cancelled = cancel.isCancelled();
            if (at.checkpointDue(r.skipped(), cancelled, saveSteps)) {
                at.saved(saver.save(state()));
            }
            if (cancelled) {
                log.info("cancelled at step {}; resume with resume_from: {}", at.globalStep, at.lastCheckpoint);
                return RunResult.Status.CANCELLED;
            }
        }
        if (at.needsFinalCheckpoint()) {
            at.saved(saver.save(state()));
        }
        return RunResult.Status.COMPLETED;
    }
}
