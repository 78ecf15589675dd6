package org.lorapipeline.core.sd.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lorapipeline.core.engine.ConvOps;
import org.lorapipeline.core.lora.LoraLinear;
import org.lorapipeline.core.sd.GroupNormLayer;
import org.lorapipeline.core.sd.LinearLayer;
import org.lorapipeline.core.sd.SdWeights;

/**
 * diffusers {@code Transformer2DModel} (continuous input): GroupNorm, proj_in, transformer blocks over the H*W
 * tokens, proj_out, plus the input as residual. On SD 1.x proj_in/proj_out are 1x1 convolutions, applied here as
 * the equivalent linear over tokens so LoRA can adapt them; SD 2.x ({@code use_linear_projection}) stores them as
 * linears. Both project after the norm and before the blocks, which is the order the weights were trained with.
 */
record Transformer2DModel(GroupNormLayer norm, LinearLayer projIn, List<BasicTransformerBlock> blocks,
                          LinearLayer projOut) {
    /** diffusers builds this GroupNorm with eps 1e-6 regardless of the UNet's norm_eps. */
    static final float NORM_EPS = 1e-6f;

    static Transformer2DModel load(SdWeights w, String prefix, long channels, int heads, UNetConfig c,
                                   Map<String, LoraLinear> registry) {
        String p = prefix + ".";
        LinearLayer in = c.useLinearProjection()
                ? w.linear(p + "proj_in", channels, channels, true, registry)
                : w.pointwiseConvAsLinear(p + "proj_in", channels, channels, registry);
        List<BasicTransformerBlock> blocks = new ArrayList<>();
        for (int i = 0; i < c.transformerLayersPerBlock(); i++) {
            blocks.add(BasicTransformerBlock.load(w, p + "transformer_blocks." + i, channels, c.crossAttentionDim(),
                    heads, registry));
        }
        LinearLayer out = c.useLinearProjection()
                ? w.linear(p + "proj_out", channels, channels, true, registry)
                : w.pointwiseConvAsLinear(p + "proj_out", channels, channels, registry);
        return new Transformer2DModel(w.groupNorm(p + "norm", channels, c.normNumGroups(), NORM_EPS), in, blocks, out);
    }

    /**
     * @param x       (B, C, H, W)
     * @param context (B, S, cross_attention_dim)
     * @return (B, C, H, W)
     */
    NDArray forward(NDArray x, NDArray context, boolean training) {
        Shape s = x.getShape();
        NDArray h = projIn.forward(ConvOps.toTokens(norm.forward(x)), training); // (B, HW, C)
        for (BasicTransformerBlock b : blocks) {
            h = b.forward(h, context, training);
        }
        h = projOut.forward(h, training);
        return ConvOps.fromTokens(h, s.get(2), s.get(3)).add(x);
    }
}
