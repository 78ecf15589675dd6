package org.lorapipeline.core.sd.sample;

import ai.djl.ndarray.NDArray;
import org.lorapipeline.core.sd.NoiseSchedule;

/**
 * Euler sampling in sigma space (Karras et al. 2022, algorithm 2 without churn), as diffusers'
 * {@code EulerDiscreteScheduler}, or with {@code ancestral} as {@code EulerAncestralDiscreteScheduler} (kohya's and
 * A1111's "euler_a"). sigma(t) = sqrt((1 - alpha-bar_t) / alpha-bar_t), linearly interpolated at fractional
 * timesteps, with a final 0; the model sees x / sqrt(sigma^2 + 1).
 */
public final class EulerScheduler implements DiffusionScheduler {
    private final boolean vPrediction;
    private final boolean ancestral;
    private final double[] timesteps;
    private final double[] sigmas;
    private final double initNoiseSigma;

    public EulerScheduler(NoiseSchedule schedule, boolean vPrediction, boolean ancestral, int steps,
                          TimestepSpacing spacing, int stepsOffset) {
        this.vPrediction = vPrediction;
        this.ancestral = ancestral;
        int n = schedule.numTrainTimesteps();
        double[] table = new double[n];
        for (int k = 0; k < n; k++) {
            double a = schedule.alphaCumprod(k);
            table[k] = Math.sqrt((1 - a) / a);
        }
        this.timesteps = spacing.timesteps(n, steps, stepsOffset);
        this.sigmas = new double[steps + 1];
        double max = 0;
        for (int i = 0; i < steps; i++) {
            sigmas[i] = interpolate(table, timesteps[i]);
            max = Math.max(max, sigmas[i]);
        }
        // diffusers: the largest sigma for linspace/trailing, sqrt(max^2 + 1) for leading
        this.initNoiseSigma = spacing == TimestepSpacing.LEADING ? Math.sqrt(max * max + 1) : max;
    }

    /** np.interp over integer knots 0..n-1, clamped at the ends. */
    private static double interpolate(double[] table, double t) {
        if (t <= 0) {
            return table[0];
        }
        if (t >= table.length - 1) {
            return table[table.length - 1];
        }
        int lo = (int) Math.floor(t);
        double f = t - lo;
        return table[lo] + f * (table[lo + 1] - table[lo]);
    }

    @Override
    public double[] timesteps() {
        return timesteps.clone();
    }

    /** sigma per step plus the final 0. */
    public double[] sigmas() {
        return sigmas.clone();
    }

    @Override
    public double initNoiseSigma() {
        return initNoiseSigma;
    }

    @Override
    public NDArray scaleModelInput(NDArray latents, int i) {
        return latents.div((float) Math.sqrt(sigmas[i] * sigmas[i] + 1));
    }

    @Override
    public NDArray step(NDArray modelOutput, int i, NDArray x, NoiseSource noise) {
        double s = sigmas[i];
        double next = sigmas[i + 1];
        NDArray x0 = vPrediction
                ? modelOutput.mul((float) (-s / Math.sqrt(s * s + 1))).add(x.div((float) (s * s + 1)))
                : x.sub(modelOutput.mul((float) s));
        NDArray derivative = x.sub(x0).div((float) s);
        if (!ancestral) {
            return x.add(derivative.mul((float) (next - s)));
        }
        double up = Math.sqrt(next * next * (s * s - next * next) / (s * s));
        double down = Math.sqrt(next * next - up * up);
        NDArray moved = x.add(derivative.mul((float) (down - s)));
        return moved.add(noise.next(x.getManager(), x.getShape()).mul((float) up));
    }
}
