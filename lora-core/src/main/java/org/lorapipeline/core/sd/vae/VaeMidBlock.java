package org.lorapipeline.core.sd.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.lorapipeline.core.engine.ConvOps;
import org.lorapipeline.core.sd.Attention;
import org.lorapipeline.core.sd.GroupNormLayer;
import org.lorapipeline.core.sd.ResnetBlock2D;
import org.lorapipeline.core.sd.SdWeights;

/**
 * diffusers {@code UNetMidBlock2D} as the VAE uses it: resnet, single-head spatial self-attention with its own
 * GroupNorm ({@code attentions.0.group_norm}) and a residual, resnet. No time embedding.
 */
record VaeMidBlock(ResnetBlock2D resnet0, GroupNormLayer attnNorm, Attention attention, ResnetBlock2D resnet1) {
    /** diffusers passes resnet_eps (1e-6) to every norm of the VAE. */
    static final float EPS = 1e-6f;

    static VaeMidBlock load(SdWeights w, String prefix, long channels, int groups) {
        String p = prefix + ".";
        return new VaeMidBlock(
                ResnetBlock2D.load(w, p + "resnets.0", channels, channels, 0, groups, EPS),
                w.groupNorm(p + "attentions.0.group_norm", channels, groups, EPS),
                // attention_head_dim = channels, so one head of width C
                Attention.load(w, p + "attentions.0", channels, channels, 1, true, null),
                ResnetBlock2D.load(w, p + "resnets.1", channels, channels, 0, groups, EPS));
    }

    /** (B, C, H, W) -> (B, C, H, W). */
    NDArray forward(NDArray x) {
        NDArray h = resnet0.forward(x, null, false);
        Shape s = h.getShape();
        NDArray tokens = ConvOps.toTokens(attnNorm.forward(h)); // (B, HW, C)
        h = ConvOps.fromTokens(attention.forward(tokens, null, false), s.get(2), s.get(3)).add(h);
        return resnet1.forward(h, null, false);
    }
}
