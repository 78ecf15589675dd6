package org.lorapipeline.core.sd;

import ai.djl.ndarray.NDArray;
import org.lorapipeline.core.lora.LoraLinear;

/**
 * A projection with an optional bias: the weight path is a {@link LoraLinear} (bias-free, LoRA-capable), the bias is
 * added after it, which is where {@code nn.Linear} adds it and leaves {@code W x + b + scale B A x} under LoRA.
 */
public record LinearLayer(LoraLinear proj, NDArray bias) {
    /** (..., in) -> (..., out). */
    public NDArray forward(NDArray x, boolean training) {
        NDArray y = proj.forward(x, training);
        return bias == null ? y : y.add(bias);
    }
}
