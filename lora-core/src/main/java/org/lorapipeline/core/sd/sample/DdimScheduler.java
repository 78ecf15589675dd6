package org.lorapipeline.core.sd.sample;

import ai.djl.ndarray.NDArray;
import org.lorapipeline.core.sd.NoiseSchedule;

/**
 * Deterministic DDIM (Song et al. 2020, eta 0) as diffusers' {@code DDIMScheduler} with SD 1.5's config:
 * {@code set_alpha_to_one = false} (the step past t = 0 uses alpha-bar_0), {@code clip_sample = false}, the previous
 * timestep is {@code t - N // steps}. Coefficients in double, tensors in float32.
 */
public final class DdimScheduler implements DiffusionScheduler {
    private final NoiseSchedule schedule;
    private final boolean vPrediction;
    private final double[] timesteps;
    private final int stride;

    public DdimScheduler(NoiseSchedule schedule, boolean vPrediction, int steps, TimestepSpacing spacing,
                         int stepsOffset) {
        this.schedule = schedule;
        this.vPrediction = vPrediction;
        int n = schedule.numTrainTimesteps();
        double[] t = spacing.timesteps(n, steps, stepsOffset);
        for (int i = 0; i < t.length; i++) {
            t[i] = Math.rint(t[i]); // DDIM indexes alpha-bar with integer timesteps
        }
        this.timesteps = t;
        this.stride = n / steps;
    }

    @Override
    public double[] timesteps() {
        return timesteps.clone();
    }

    @Override
    public double initNoiseSigma() {
        return 1;
    }

    @Override
    public NDArray scaleModelInput(NDArray latents, int i) {
        return latents;
    }

    @Override
    public NDArray step(NDArray modelOutput, int i, NDArray x, NoiseSource noise) {
        int t = (int) timesteps[i];
        int prev = t - stride;
        double at = schedule.alphaCumprod(t);
        double aPrev = prev >= 0 ? schedule.alphaCumprod(prev) : schedule.alphaCumprod(0);
        double sa = Math.sqrt(at);
        double sb = Math.sqrt(1 - at);
        NDArray x0;
        NDArray eps;
        if (vPrediction) {
            x0 = x.mul((float) sa).sub(modelOutput.mul((float) sb)); // sqrt(a) x - sqrt(1-a) v
            eps = modelOutput.mul((float) sa).add(x.mul((float) sb)); // sqrt(a) v + sqrt(1-a) x
        } else {
            x0 = x.sub(modelOutput.mul((float) sb)).div((float) sa);
            eps = modelOutput;
        }
        return x0.mul((float) Math.sqrt(aPrev)).add(eps.mul((float) Math.sqrt(1 - aPrev)));
    }
}
