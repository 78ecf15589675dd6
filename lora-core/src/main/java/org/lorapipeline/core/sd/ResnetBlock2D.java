package org.lorapipeline.core.sd;

import ai.djl.ndarray.NDArray;
import org.lorapipeline.core.engine.Ops;

/**
 * diffusers {@code ResnetBlock2D} (time_embedding_norm "default", output_scale_factor 1): GroupNorm, SiLU, 3x3 conv,
 * plus the projected time embedding (UNet only), GroupNorm, SiLU, 3x3 conv, and a 1x1 {@code conv_shortcut} on the
 * residual when the channel count changes. Shared by the UNet and the VAE (which has no time embedding).
 */
public record ResnetBlock2D(GroupNormLayer norm1, Conv2dLayer conv1, LinearLayer timeEmbProj, GroupNormLayer norm2,
                            Conv2dLayer conv2, Conv2dLayer convShortcut) {

    /**
     * @param prefix       diffusers module path, e.g. {@code down_blocks.0.resnets.1}
     * @param tembChannels width of the time embedding, or 0 for none (VAE)
     */
    public static ResnetBlock2D load(SdWeights w, String prefix, long in, long out, long tembChannels, int groups,
                                     float eps) {
        String p = prefix + ".";
        return new ResnetBlock2D(
                w.groupNorm(p + "norm1", in, groups, eps),
                w.conv(p + "conv1", out, in, 3, 1, 1),
                tembChannels > 0 ? w.linear(p + "time_emb_proj", out, tembChannels, true, null) : null,
                w.groupNorm(p + "norm2", out, groups, eps),
                w.conv(p + "conv2", out, out, 3, 1, 1),
                in != out ? w.conv(p + "conv_shortcut", out, in, 1, 1, 0) : null);
    }

    /**
     * @param x    (B, in, H, W)
     * @param temb (B, T) time embedding before the block's SiLU, or null when the block has none
     * @return (B, out, H, W)
     */
    public NDArray forward(NDArray x, NDArray temb, boolean training) {
        NDArray h = conv1.forward(Ops.silu(norm1.forward(x)));
        if (timeEmbProj != null) {
            NDArray t = timeEmbProj.forward(Ops.silu(temb), training); // (B, out)
            h = h.add(t.expandDims(2).expandDims(3)); // (B, out, 1, 1) broadcast over space
        }
        h = conv2.forward(Ops.silu(norm2.forward(h)));
        NDArray residual = convShortcut == null ? x : convShortcut.forward(x);
        return residual.add(h);
    }
}
