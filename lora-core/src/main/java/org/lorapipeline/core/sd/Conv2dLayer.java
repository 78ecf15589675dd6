package org.lorapipeline.core.sd;

import ai.djl.ndarray.NDArray;
import org.lorapipeline.core.engine.ConvOps;

/** A frozen 2-d convolution: weight (out, in, k, k), bias (out), square stride and padding. */
public record Conv2dLayer(NDArray weight, NDArray bias, int stride, int padding) {
    /** (B, in, H, W) -> (B, out, H', W'). */
    public NDArray forward(NDArray x) {
        return ConvOps.conv2d(x, weight, bias, stride, padding);
    }
}
