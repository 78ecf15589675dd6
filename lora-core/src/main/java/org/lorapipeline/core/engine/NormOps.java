package org.lorapipeline.core.engine;

import ai.djl.ndarray.NDArray;

/**
 * Normalisations DJL has no functional form for (GroupNorm) or only behind an engine-internal API (LayerNorm),
 * written from the PyTorch definitions with biased variance, so they keep autograd and match
 * {@code torch.nn.GroupNorm} / {@code torch.nn.LayerNorm}.
 */
public final class NormOps {
    private NormOps() {}

    /**
     * {@code torch.nn.GroupNorm}: channels split into {@code groups} groups, each normalised over its channels and
     * all spatial positions, then a per-channel affine.
     *
     * @param x      (B, C, *) with C divisible by {@code groups}
     * @param weight (C)
     * @param bias   (C)
     * @return the same shape as {@code x}
     */
    public static NDArray groupNorm(NDArray x, int groups, NDArray weight, NDArray bias, float eps) {
        long[] shape = x.getShape().getShape();
        if (shape.length < 2) {
            throw new IllegalArgumentException("group norm needs (B, C, ...), got " + x.getShape());
        }
        long c = shape[1];
        if (groups <= 0 || c % groups != 0) {
            throw new IllegalArgumentException("group norm: " + c + " channels are not divisible into " + groups
                    + " groups (norm_num_groups)");
        }
        NDArray g = x.reshape(shape[0], groups, -1); // (B, G, C/G * spatial)
        NDArray mean = g.mean(new int[] {2}, true); // (B, G, 1)
        NDArray centred = g.sub(mean);
        NDArray var = centred.square().mean(new int[] {2}, true); // biased, as PyTorch normalises
        NDArray normed = centred.div(var.add(eps).sqrt()).reshape(x.getShape()); // (B, C, *)
        long[] affine = new long[shape.length];
        java.util.Arrays.fill(affine, 1);
        affine[1] = c;
        return normed.mul(weight.reshape(affine)).add(bias.reshape(affine));
    }

    /**
     * {@code torch.nn.LayerNorm} over the last axis.
     *
     * @param x      (..., D)
     * @param weight (D)
     * @param bias   (D)
     */
    public static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias, float eps) {
        int last = x.getShape().dimension() - 1;
        NDArray mean = x.mean(new int[] {last}, true); // (..., 1)
        NDArray centred = x.sub(mean);
        NDArray var = centred.square().mean(new int[] {last}, true);
        return centred.div(var.add(eps).sqrt()).mul(weight).add(bias);
    }
}
