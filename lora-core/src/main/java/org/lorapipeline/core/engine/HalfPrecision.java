package org.lorapipeline.core.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Casting inside the autograd graph, which DJL 0.35.1 has no API for: {@code toType} and {@code toDevice} run
 * {@code tensor.to(...)} under a {@code NoGradGuard} in the JNI layer, so their result has no grad_fn and a loss
 * computed through them cannot be backpropagated ("element 0 of tensors does not require grad").
 *
 * <p>The workaround is {@code torch.cumprod(x.unsqueeze(-1), dim=-1, dtype=t).squeeze(-1)}: a cumulative product over
 * a length-1 axis is the identity, its {@code dtype} argument casts, and cumprod is differentiable, so gradients flow
 * back through the cast (converted to the input's dtype). Measured on CPU libtorch 2.7.1: an fp16 matmul reached
 * this way backpropagates to an fp32 input with fp16 rounding error only.
 *
 * <p>bfloat16 is refused here: DJL 0.35.1's JNI maps no DataType to {@code torch::kBFloat16}, and asking for it
 * (toType, cumprod dtype, array creation) ends the JVM with "terminate called without an active exception".
 */
public final class HalfPrecision {
    private HalfPrecision() {}

    /** {@code x.to(type)} that keeps the autograd chain; returns {@code x} itself when it already has that type. */
    public static NDArray cast(NDArray x, DataType type) {
        if (x.getDataType() == type) {
            return x;
        }
        requireSupported(type);
        if (!(x instanceof PtNDArray pt)) {
            throw new IllegalArgumentException("in-graph casts need the PyTorch engine, got " + x.getClass().getName());
        }
        int last = pt.getShape().dimension();
        return JniUtils.cumProd((PtNDArray) pt.expandDims(last), last, type).squeeze(last);
    }

    /**
     * {@code x @ w^T} where the frozen weight may be stored in half precision: then {@code x} is cast to the weight's
     * type for the matmul (fp16 compute, as autocast runs linear layers) and the result cast back to {@code x}'s
     * type, both in the graph, so gradients still reach whatever produced {@code x}.
     *
     * @param x      (..., in) activations, usually F32
     * @param weight (out, in)
     * @return (..., out) in {@code x}'s type
     */
    public static NDArray linear(NDArray x, NDArray weight) {
        if (x.getDataType() == weight.getDataType()) {
            return Ops.linear(x, weight);
        }
        return cast(Ops.linear(cast(x, weight.getDataType()), weight), x.getDataType());
    }

    /** Fails with a clear message instead of letting DJL abort the JVM on a type its JNI cannot map. */
    public static void requireSupported(DataType type) {
        if (type == DataType.BFLOAT16) {
            throw new IllegalArgumentException("bfloat16 arrays are not usable with DJL 0.35.1's PyTorch engine (its"
                    + " JNI has no bfloat16 type and aborts the JVM); use float16 or float32");
        }
        if (type != DataType.FLOAT16 && type != DataType.FLOAT32 && type != DataType.FLOAT64) {
            throw new IllegalArgumentException("not a floating type for compute: " + type);
        }
    }
}
