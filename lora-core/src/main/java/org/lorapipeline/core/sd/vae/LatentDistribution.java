package org.lorapipeline.core.sd.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.SplittableRandom;
import org.lorapipeline.core.engine.Tensors;

/**
 * diffusers {@code DiagonalGaussianDistribution}: the encoder's moments split into mean and log-variance along the
 * channels, log-variance clamped to [-30, 20].
 *
 * @param mean   (B, latent_channels, h, w)
 * @param logvar (B, latent_channels, h, w), clamped
 */
public record LatentDistribution(NDArray mean, NDArray logvar) {
    static final float LOGVAR_MIN = -30f;
    static final float LOGVAR_MAX = 20f;

    /** Splits (B, 2L, h, w) moments. */
    static LatentDistribution fromMoments(NDArray moments) {
        long c = moments.getShape().get(1);
        NDArray mean = moments.get(":, 0:" + c / 2);
        NDArray logvar = moments.get(":, " + c / 2 + ":").clip(LOGVAR_MIN, LOGVAR_MAX);
        return new LatentDistribution(mean, logvar);
    }

    public NDArray std() {
        return logvar.mul(0.5f).exp();
    }

    /** The mean, what {@code latent_dist.mode()} returns. */
    public NDArray mode() {
        return mean;
    }

    /** {@code mean + std * noise} for a given standard normal {@code noise} of the same shape. */
    public NDArray sample(NDArray noise) {
        if (!noise.getShape().equals(mean.getShape())) {
            throw new IllegalArgumentException("noise " + noise.getShape() + " must match the latents "
                    + mean.getShape());
        }
        return mean.add(std().mul(noise));
    }

    /** A sample with noise drawn in Java from {@code seed}, so it is the same on every device and engine. */
    public NDArray sample(long seed) {
        return sample(gaussian(mean.getManager(), seed, mean.getShape().getShape()));
    }

    /** Standard normal values from a seeded Java generator (Box-Muller over SplittableRandom). */
    public static NDArray gaussian(NDManager manager, long seed, long... shape) {
        int n = Math.toIntExact(new ai.djl.ndarray.types.Shape(shape).size());
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i += 2) {
            double u1 = 1.0 - rng.nextDouble(); // (0, 1], so log is finite
            double u2 = rng.nextDouble();
            double r = Math.sqrt(-2 * Math.log(u1));
            v[i] = (float) (r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < n) {
                v[i + 1] = (float) (r * Math.sin(2 * Math.PI * u2));
            }
        }
        return Tensors.create(manager, v, shape);
    }
}
