package org.lorapipeline.core.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Small functions diffusion models share that DJL has no ready form of: the sinusoidal timestep embedding
 * (DDPM / diffusers {@code get_timestep_embedding}) and the exact (erf) GELU with its GEGLU gate.
 */
public final class DiffusionOps {
    private static final float SQRT_HALF = (float) Math.sqrt(0.5);

    private DiffusionOps() {}

    /**
     * Sinusoidal embedding of timesteps: with {@code half = dim / 2} and
     * {@code freq_i = exp(-ln(maxPeriod) * i / (half - freqShift))}, the row for timestep t is
     * {@code [sin(t freq), cos(t freq)]}, or {@code [cos, sin]} when {@code flipSinToCos} (SD's UNet). An odd
     * {@code dim} gets a zero last column. Computed in float32 in the same order PyTorch does.
     *
     * @return (N, dim) for N timesteps
     */
    public static NDArray timestepEmbedding(NDManager manager, float[] timesteps, int dim, boolean flipSinToCos,
                                            float freqShift, float maxPeriod) {
        if (dim < 2) {
            throw new IllegalArgumentException("timestep embedding dim must be >= 2, got " + dim);
        }
        int half = dim / 2;
        if (half - freqShift == 0) {
            throw new IllegalArgumentException("freq_shift " + freqShift + " makes the frequency denominator zero");
        }
        float logMax = (float) -Math.log(maxPeriod);
        float[] freq = new float[half];
        for (int i = 0; i < half; i++) {
            float exponent = (logMax * i) / (half - freqShift);
            freq[i] = (float) Math.exp(exponent);
        }
        float[] out = new float[timesteps.length * dim];
        for (int n = 0; n < timesteps.length; n++) {
            int row = n * dim;
            for (int i = 0; i < half; i++) {
                float arg = timesteps[n] * freq[i];
                float sin = (float) Math.sin(arg);
                float cos = (float) Math.cos(arg);
                out[row + i] = flipSinToCos ? cos : sin;
                out[row + half + i] = flipSinToCos ? sin : cos;
            }
        }
        return Tensors.create(manager, out, timesteps.length, dim);
    }

    /** Exact GELU {@code x * 0.5 * (1 + erf(x / sqrt 2))}, PyTorch's default (not the tanh approximation). */
    public static NDArray gelu(NDArray x) {
        return Ops.scale(x.mul(Ops.scale(x, SQRT_HALF).erf().add(1f)), 0.5f);
    }

    /** GEGLU: splits the last axis in two halves (hidden, gate) and returns {@code hidden * gelu(gate)}. */
    public static NDArray geglu(NDArray x) {
        var halves = Ops.split(x, 2, -1);
        return halves.get(0).mul(gelu(halves.get(1)));
    }
}
