package org.lorapipeline.core.kohya;

import java.util.Arrays;
import org.lorapipeline.core.tensor.FloatTensor;

/**
 * One LoRA module as kohya and diffusers store it: {@code down} (lora_down / lora_A) and {@code up} (lora_up /
 * lora_B) with kohya's {@code alpha}; the update is {@code up @ down * alpha / rank}.
 *
 * @param module diffusers/transformers module path with its component prefix
 *               ({@code unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q},
 *               {@code text_encoder.text_model.encoder.layers.0.self_attn.q_proj}), or a kohya name
 *               ({@code lora_unet_...}) while a read file is not yet resolved
 * @param down   [r, in] for a Linear, [r, in, kh, kw] for a Conv2d (1x1 for SD 1.x proj_in/proj_out)
 * @param up     [out, r] for a Linear, [out, r, 1, 1] for a Conv2d
 * @param alpha  kohya's network_alpha; 0 means scale 1, as kohya reads a missing or zero alpha
 */
public record LoraModuleWeights(String module, FloatTensor down, FloatTensor up, float alpha) {
    public LoraModuleWeights {
        if (module == null || module.isBlank()) {
            throw new IllegalArgumentException("module must not be blank");
        }
        if (down == null || up == null) {
            throw new IllegalArgumentException(module + ": down and up must not be null");
        }
        long[] d = down.shape();
        long[] u = up.shape();
        boolean linear = d.length == 2 && u.length == 2;
        boolean conv = d.length == 4 && u.length == 4 && u[2] == 1 && u[3] == 1;
        if (!(linear || conv) || d[0] != u[1] || d[0] < 1) {
            throw new IllegalArgumentException(module + ": down " + Arrays.toString(d) + " and up " + Arrays.toString(u)
                    + " must be [r, in] / [out, r] (Linear) or [r, in, kh, kw] / [out, r, 1, 1] (Conv2d) with one r");
        }
        if (!Float.isFinite(alpha) || alpha < 0) {
            throw new IllegalArgumentException(module + ": alpha must be finite and >= 0, got " + alpha);
        }
    }

    public int rank() {
        return (int) down.shape()[0];
    }

    /** alpha / rank, or 1 when alpha is 0 (kohya's reading of a missing alpha). */
    public float scale() {
        return alpha == 0 ? 1f : alpha / rank();
    }

    public boolean isConv() {
        return down.rank() == 4;
    }

    /** Output features (rows of the adapted weight). */
    public long outFeatures() {
        return up.shape()[0];
    }

    /** Input features times kernel area (columns of the adapted weight, flattened for a conv). */
    public long inFeatures() {
        return down.data().length / rank();
    }

    public LoraModuleWeights withModule(String name) {
        return new LoraModuleWeights(name, down, up, alpha);
    }

    /** The dense update {@code scale * up @ down} as [out, in * kh * kw], computed in double. */
    public float[] delta() {
        int r = rank();
        int out = (int) outFeatures();
        int in = (int) inFeatures();
        float[] dn = down.data();
        float[] upv = up.data();
        float[] result = new float[out * in];
        double s = scale();
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                double acc = 0;
                for (int k = 0; k < r; k++) {
                    acc += (double) upv[o * r + k] * dn[k * in + i];
                }
                result[o * in + i] = (float) (acc * s);
            }
        }
        return result;
    }
}
