package org.lorapipeline.core.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.lorapipeline.core.train.StepResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a run's optimizer-step loop stands and the bookkeeping every trainer's loop shares: the data position a
 * checkpoint saves and a resume restores, NaN/Inf streaks and when they stop the run, the loss averaged between
 * TensorBoard points, progress rates, and when a checkpoint is due. The LLaMA and Stable Diffusion loops differ only
 * in how they draw a batch and take a step.
 */
final class LoopState {
    private static final Logger log = LoggerFactory.getLogger(LoopState.class);

    final long totalSteps;
    final long seed;
    long globalStep;
    int epoch;
    int batchIndex;
    int consecutiveNonFinite;
    int skippedTotal;
    Path lastCheckpoint;
    final List<Double> losses = new ArrayList<>();
    private final long sessionStart = System.nanoTime();
    private long sessionSteps;
    private long savedAt = -1;
    private double logLossSum;
    private int logLossCount;

    LoopState(long totalSteps, long seed) {
        this.totalSteps = totalSteps;
        this.seed = seed;
    }

    /**
     * Continues from a checkpoint's state, warning where this run's plan differs from the checkpoint's.
     *
     * @param unit what an example is called in the warning ("examples", "images")
     */
    void resume(TrainerState s, Path from, int examples, int batchSize, int batchesPerEpoch, String unit) {
        if (s.seed() != seed) {
            log.warn("resume: checkpoint seed {} differs from seed {}; the data order changes", s.seed(), seed);
        }
        if (s.examples() != examples || s.batchSize() != batchSize) {
            log.warn("resume: the checkpoint saw {} {} in batches of {}, now {} in batches of {}; the data position is"
                    + " kept but the order differs", s.examples(), unit, s.batchSize(), examples, batchSize);
        }
        if (s.totalSteps() != totalSteps) {
            log.warn("resume: the checkpoint planned {} steps, this config plans {}; the schedule follows the"
                    + " config", s.totalSteps(), totalSteps);
        }
        globalStep = s.globalStep();
        epoch = s.epoch();
        batchIndex = Math.min(s.batchIndex(), batchesPerEpoch);
        consecutiveNonFinite = s.consecutiveNonFinite();
        lastCheckpoint = from;
        log.info("resumed from {} at step {} (epoch {}, batch {})", from, globalStep, epoch + 1, batchIndex);
    }

    /** Moves to the next epoch once this one's batches are used up; true when it did. */
    boolean nextEpochIfDone(int batchesPerEpoch) {
        if (batchIndex < batchesPerEpoch) {
            return false;
        }
        epoch++;
        batchIndex = 0;
        return true;
    }

    /** Counts a finished step; its loss is kept (NaN for a skipped step). */
    void stepTaken(StepResult r) {
        globalStep++;
        sessionSteps++;
        losses.add(r.skipped() ? Double.NaN : r.loss());
    }

    /** An fp16 overflow the loss scaler answers by backing off: skipped, but not a sign of divergence. */
    void overflowSkipped() {
        skippedTotal++;
    }

    /** A step that counts towards the NaN/Inf streak when skipped, and towards the logged loss when not. */
    void countStep(StepResult r, int maxNonFinite) {
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
    }

    /**
     * Stops the run after {@code maxNonFinite} skipped steps in a row.
     *
     * @param advice what the user should change, e.g. "Lower learning_rate, ..."
     */
    void failIfDiverged(int maxNonFinite, String advice) {
        if (consecutiveNonFinite >= maxNonFinite) {
            throw new TrainingDivergedException("training diverged: loss or gradients were NaN/Inf for "
                    + consecutiveNonFinite + " steps in a row (max_nonfinite_steps " + maxNonFinite + ") at step "
                    + globalStep + "; " + (lastCheckpoint == null ? "no checkpoint was saved"
                    : "last good checkpoint: " + lastCheckpoint) + ". " + advice, lastCheckpoint);
        }
    }

    double epochFraction(int batchesPerEpoch) {
        return epoch + (double) batchIndex / batchesPerEpoch;
    }

    /** Progress after a step; {@code itemsPerSec} is tokens/s or images/s. */
    RunProgress progress(StepResult r, double itemsPerSec, int batchesPerEpoch) {
        double elapsed = (System.nanoTime() - sessionStart) / 1e9;
        double itPerSec = sessionSteps / Math.max(elapsed, 1e-9);
        Duration eta = Duration.ofMillis((long) ((totalSteps - globalStep) / itPerSec * 1000));
        return new RunProgress(globalStep, totalSteps, epochFraction(batchesPerEpoch), r.loss(), r.learningRate(),
                r.gradNorm(), itemsPerSec, itPerSec, eta, r.skipped());
    }

    boolean logDue(int logEvery) {
        return globalStep % logEvery == 0 || globalStep == totalSteps;
    }

    /** The mean loss of the finite steps since the last call, if any. */
    OptionalDouble takeLoggedLoss() {
        OptionalDouble mean = logLossCount == 0 ? OptionalDouble.empty() : OptionalDouble.of(logLossSum / logLossCount);
        logLossSum = 0;
        logLossCount = 0;
        return mean;
    }

    /** A checkpoint is due every {@code saveSteps}, at the end and on cancel; never inside a NaN/Inf streak. */
    boolean checkpointDue(boolean skipped, boolean cancelled, int saveSteps) {
        boolean due = (saveSteps > 0 && globalStep % saveSteps == 0) || globalStep == totalSteps;
        if (due && skipped && !cancelled) {
            // inside a NaN/Inf streak: keep the last good checkpoint rather than rotating it away
            log.warn("step {}: checkpoint deferred, the step was skipped", globalStep);
            return false;
        }
        return due || cancelled;
    }

    void saved(Path checkpoint) {
        lastCheckpoint = checkpoint;
        savedAt = globalStep;
    }

    /** A run resumed at its last step still leaves a checkpoint behind. */
    boolean needsFinalCheckpoint() {
        return savedAt != globalStep && lastCheckpoint == null;
    }
}
