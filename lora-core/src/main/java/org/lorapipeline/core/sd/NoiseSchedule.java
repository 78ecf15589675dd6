package org.lorapipeline.core.sd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.lorapipeline.core.engine.Tensors;

/**
 * The DDPM forward process used for training (Ho et al. 2020; diffusers {@code DDPMScheduler}): betas, cumulative
 * alphas, noising, the v-prediction target (Salimans and Ho 2022), SNR and the min-SNR-gamma loss weight (Hang et al.
 * 2023, as kohya's {@code apply_snr_weight}). Tables are computed in double and handed out as float.
 */
public final class NoiseSchedule {
    private final SchedulerConfig config;
    private final double[] betas;
    private final double[] alphasCumprod;

    public NoiseSchedule(SchedulerConfig config) {
        this.config = config;
        int n = config.numTrainTimesteps();
        betas = new double[n];
        for (int i = 0; i < n; i++) {
            double f = (double) i / (n - 1);
            betas[i] = switch (config.betaSchedule()) {
                // linear in sqrt(beta), then squared
                case "scaled_linear" -> square(Math.sqrt(config.betaStart())
                        + f * (Math.sqrt(config.betaEnd()) - Math.sqrt(config.betaStart())));
                case "linear" -> config.betaStart() + f * (config.betaEnd() - config.betaStart());
                default -> throw new IllegalStateException(config.betaSchedule());
            };
        }
        alphasCumprod = new double[n];
        double prod = 1;
        for (int i = 0; i < n; i++) {
            prod *= 1 - betas[i];
            alphasCumprod[i] = prod;
        }
    }

    private static double square(double x) {
        return x * x;
    }

    public SchedulerConfig config() {
        return config;
    }

    public int numTrainTimesteps() {
        return betas.length;
    }

    public double beta(int t) {
        return betas[check(t)];
    }

    /** alpha-bar_t = prod_{s <= t} (1 - beta_s). */
    public double alphaCumprod(int t) {
        return alphasCumprod[check(t)];
    }

    /** Signal-to-noise ratio alpha-bar_t / (1 - alpha-bar_t). */
    public double snr(int t) {
        double a = alphaCumprod(t);
        return a / (1 - a);
    }

    /**
     * min-SNR-gamma weight of the per-sample loss: min(SNR, gamma) / SNR for epsilon prediction,
     * min(SNR, gamma) / (SNR + 1) for v-prediction.
     */
    public double minSnrWeight(int t, double gamma, boolean vPrediction) {
        if (!(gamma > 0)) {
            throw new IllegalArgumentException("min_snr_gamma must be > 0, got " + gamma);
        }
        double snr = snr(t);
        return Math.min(snr, gamma) / (vPrediction ? snr + 1 : snr);
    }

    /** noisy = sqrt(alpha-bar_t) x0 + sqrt(1 - alpha-bar_t) noise, one timestep per batch row. */
    public NDArray addNoise(NDArray x0, NDArray noise, int[] timesteps) {
        return x0.mul(perRow(x0, timesteps, true)).add(noise.mul(perRow(x0, timesteps, false)));
    }

    /** The v-prediction target v = sqrt(alpha-bar_t) noise - sqrt(1 - alpha-bar_t) x0. */
    public NDArray velocity(NDArray x0, NDArray noise, int[] timesteps) {
        return noise.mul(perRow(x0, timesteps, true)).sub(x0.mul(perRow(x0, timesteps, false)));
    }

    /** What the UNet is trained to output for this schedule's prediction_type. */
    public NDArray target(NDArray x0, NDArray noise, int[] timesteps) {
        return config.predictionType().equals("v_prediction") ? velocity(x0, noise, timesteps) : noise;
    }

    /** (B, 1, ..., 1) coefficients sqrt(alpha-bar) (signal) or sqrt(1 - alpha-bar) (noise) per row. */
    private NDArray perRow(NDArray x, int[] timesteps, boolean signal) {
        long[] shape = x.getShape().getShape();
        if (timesteps.length != shape[0]) {
            throw new IllegalArgumentException(timesteps.length + " timesteps for a batch of " + shape[0]);
        }
        float[] c = new float[timesteps.length];
        for (int i = 0; i < c.length; i++) {
            double a = alphaCumprod(timesteps[i]);
            c[i] = (float) Math.sqrt(signal ? a : 1 - a);
        }
        long[] s = new long[shape.length];
        java.util.Arrays.fill(s, 1);
        s[0] = shape[0];
        NDManager m = x.getManager();
        return Tensors.create(m, c, s);
    }

    private int check(int t) {
        if (t < 0 || t >= betas.length) {
            throw new IllegalArgumentException("timestep " + t + " outside [0, " + betas.length + ")");
        }
        return t;
    }
}
