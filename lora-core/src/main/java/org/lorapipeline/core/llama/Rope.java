package org.lorapipeline.core.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embedding in the Hugging Face layout: element i of a head pairs with element i + d/2
 * ({@code rotate_half}), not Meta's interleaved (2i, 2i+1) pairs; HF checkpoints have q/k rows permuted to match.
 */
public final class Rope {
    private final int headDim;
    private final float[] invFreq;

    public Rope(LlamaConfig config) {
        this.headDim = config.headDim();
        this.invFreq = inverseFrequencies(config);
    }

    /** inv_freq_i = theta^(-2i/d), then scaled per {@code rope_scaling}; float32 like transformers. */
    static float[] inverseFrequencies(LlamaConfig c) {
        int half = c.headDim() / 2;
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / c.headDim();
            inv[i] = (float) (1.0 / Math.pow(c.ropeTheta(), exponent));
        }
        RopeScaling s = c.ropeScaling();
        if (s == null) {
            return inv;
        }
        if (s.type().equals("linear")) {
            for (int i = 0; i < half; i++) {
                inv[i] = (float) (inv[i] / s.factor());
            }
            return inv;
        }
        // llama3: long wavelengths (beyond the old context / low_freq_factor) are slowed by `factor`, short ones
        // (below old context / high_freq_factor) are kept, and the band between is interpolated smoothly.
        double oldCtx = s.originalMaxPositionEmbeddings();
        double lowWavelen = oldCtx / s.lowFreqFactor();
        double highWavelen = oldCtx / s.highFreqFactor();
        for (int i = 0; i < half; i++) {
            double f = inv[i];
            double wavelen = 2 * Math.PI / f;
            if (wavelen > lowWavelen) {
                f = f / s.factor();
            } else if (wavelen >= highWavelen) {
                double smooth = (oldCtx / wavelen - s.lowFreqFactor()) / (s.highFreqFactor() - s.lowFreqFactor());
                f = (1 - smooth) * f / s.factor() + smooth * f;
            }
            inv[i] = (float) f;
        }
        return inv;
    }

    public float[] invFreq() {
        return invFreq.clone();
    }

    /** cos and sin tables (T, d) for positions 0..T-1, each half repeated as HF's cat(freqs, freqs). */
    public NDList tables(NDManager manager, int length) {
        int half = headDim / 2;
        float[] cos = new float[length * headDim];
        float[] sin = new float[length * headDim];
        for (int t = 0; t < length; t++) {
            for (int i = 0; i < half; i++) {
                float angle = t * invFreq[i];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[t * headDim + i] = c;
                cos[t * headDim + half + i] = c;
                sin[t * headDim + i] = s;
                sin[t * headDim + half + i] = s;
            }
        }
        Shape shape = new Shape(length, headDim);
        return new NDList(manager.create(cos, shape), manager.create(sin, shape));
    }

    /** x * cos + rotate_half(x) * sin for x (B, H, T, d) and tables (T, d). */
    public static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        long half = x.getShape().get(3) / 2;
        NDArray x1 = x.get("..., :" + half); // (B, H, T, d/2)
        NDArray x2 = x.get("..., " + half + ":");
        NDArray rotated = x2.neg().concat(x1, 3); // (B, H, T, d)
        return x.mul(cos).add(rotated.mul(sin));
    }
}
