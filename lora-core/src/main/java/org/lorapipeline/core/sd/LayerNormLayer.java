package org.lorapipeline.core.sd;

import ai.djl.ndarray.NDArray;
import org.lorapipeline.core.engine.NormOps;

/** {@code nn.LayerNorm(D, eps)} over the last axis with affine weight and bias (D). */
public record LayerNormLayer(NDArray weight, NDArray bias, float eps) {
    public NDArray forward(NDArray x) {
        return NormOps.layerNorm(x, weight, bias, eps);
    }
}
