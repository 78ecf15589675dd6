package org.lorapipeline.core.train;

import org.lorapipeline.core.config.LrScheduler;

/**
 * Learning-rate schedules with the formulas of transformers' {@code get_scheduler} ({@code optimization.py}): the
 * multiplier for optimizer step {@code s} (0-based; the first update uses s = 0, since the scheduler steps after the
 * optimizer) is
 * <ul>
 *   <li>constant: 1 (warmup is ignored, as get_scheduler ignores it);</li>
 *   <li>warmup part of the others: s / max(1, warmup);</li>
 *   <li>constant_with_warmup: 1 after warmup;</li>
 *   <li>linear: max(0, (total - s) / max(1, total - warmup));</li>
 *   <li>cosine (num_cycles 0.5): p = (s - warmup) / max(1, total - warmup), max(0, (1 + cos(pi p)) / 2).</li>
 * </ul>
 *
 * @param kind        {@code lr_scheduler}
 * @param baseLr      {@code learning_rate}
 * @param warmupSteps warmup in optimizer steps
 * @param totalSteps  all optimizer steps of the run
 */
public record LrSchedule(LrScheduler kind, double baseLr, int warmupSteps, int totalSteps) {
    public LrSchedule {
        if (kind == null) {
            throw new IllegalArgumentException("lr_scheduler must be set");
        }
        if (!(baseLr >= 0) || Double.isInfinite(baseLr)) {
            throw new IllegalArgumentException("learning_rate must be a finite number >= 0, got " + baseLr);
        }
        if (warmupSteps < 0 || totalSteps < 0) {
            throw new IllegalArgumentException("warmup (" + warmupSteps + ") and total steps (" + totalSteps
                    + ") must be >= 0");
        }
    }

    /** The multiplier of {@code baseLr} at 0-based step {@code step}. */
    public double factor(long step) {
        if (kind == LrScheduler.CONSTANT) {
            return 1.0;
        }
        if (step < warmupSteps) {
            return (double) step / Math.max(1, warmupSteps);
        }
        return switch (kind) {
            case CONSTANT_WITH_WARMUP -> 1.0;
            case LINEAR -> Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
            case COSINE -> {
                double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
                yield Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * 0.5 * 2.0 * progress)));
            }
            case CONSTANT -> 1.0;
        };
    }

    /** The learning rate for 0-based optimizer step {@code step}. */
    public double lr(long step) {
        return baseLr * factor(step);
    }
}
