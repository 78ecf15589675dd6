package org.lorapipeline.core.sd.unet;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import org.lorapipeline.core.engine.DiffusionOps;
import org.lorapipeline.core.lora.LoraLinear;
import org.lorapipeline.core.sd.Attention;
import org.lorapipeline.core.sd.LayerNormLayer;
import org.lorapipeline.core.sd.LinearLayer;
import org.lorapipeline.core.sd.SdWeights;

/**
 * diffusers {@code BasicTransformerBlock} as SD uses it (norm_type layer_norm, pre-norm residuals): self-attention
 * (norm1, attn1), cross-attention over the text tokens (norm2, attn2), GEGLU feed-forward (norm3, ff.net.0.proj to
 * 2 x 4C, ff.net.2 back to C).
 */
record BasicTransformerBlock(LayerNormLayer norm1, Attention attn1, LayerNormLayer norm2, Attention attn2,
                             LayerNormLayer norm3, LinearLayer ffIn, LinearLayer ffOut) {
    /** nn.LayerNorm default, which diffusers keeps for these norms. */
    static final float LAYER_NORM_EPS = 1e-5f;

    static BasicTransformerBlock load(SdWeights w, String prefix, long dim, long contextDim, int heads,
                                      Map<String, LoraLinear> registry) {
        String p = prefix + ".";
        long inner = dim * 4; // FeedForward mult 4
        return new BasicTransformerBlock(
                w.layerNorm(p + "norm1", dim, LAYER_NORM_EPS),
                Attention.load(w, p + "attn1", dim, dim, heads, false, registry),
                w.layerNorm(p + "norm2", dim, LAYER_NORM_EPS),
                Attention.load(w, p + "attn2", dim, contextDim, heads, false, registry),
                w.layerNorm(p + "norm3", dim, LAYER_NORM_EPS),
                w.linear(p + "ff.net.0.proj", inner * 2, dim, true, registry),
                w.linear(p + "ff.net.2", dim, inner, true, registry));
    }

    /**
     * @param x       (B, T, C) spatial tokens
     * @param context (B, S, cross_attention_dim) text encoder states
     */
    NDArray forward(NDArray x, NDArray context, boolean training) {
        x = x.add(attn1.forward(norm1.forward(x), null, training));
        x = x.add(attn2.forward(norm2.forward(x), context, training));
        NDArray hidden = DiffusionOps.geglu(ffIn.forward(norm3.forward(x), training)); // (B, T, 4C)
        return x.add(ffOut.forward(hidden, training));
    }
}
