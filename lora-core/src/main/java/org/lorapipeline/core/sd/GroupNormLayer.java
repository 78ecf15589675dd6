package org.lorapipeline.core.sd;

import ai.djl.ndarray.NDArray;
import org.lorapipeline.core.engine.NormOps;

/** {@code nn.GroupNorm(groups, C, eps)} with affine weight and bias (C). */
public record GroupNormLayer(NDArray weight, NDArray bias, int groups, float eps) {
    public NDArray forward(NDArray x) {
        return NormOps.groupNorm(x, groups, weight, bias, eps);
    }
}
