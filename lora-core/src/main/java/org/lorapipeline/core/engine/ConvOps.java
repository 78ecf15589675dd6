package org.lorapipeline.core.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * 2-d convolution helpers over NCHW arrays with PyTorch weight layout (out, in, kH, kW). DJL's functional
 * {@link Conv2d#conv2d} takes Shapes and returns an NDList; these wrap it with the arguments diffusion models use,
 * and add what DJL lacks: asymmetric zero padding, nearest-neighbour upsampling and the (B, C, H, W) <->
 * (B, H*W, C) token views attention runs on.
 */
public final class ConvOps {
    private ConvOps() {}

    /**
     * {@code F.conv2d(x, weight, bias, stride, padding)} with square stride/padding and no dilation or groups.
     *
     * @param x      (B, Cin, H, W)
     * @param weight (Cout, Cin, kH, kW)
     * @param bias   (Cout), or null
     * @return (B, Cout, H', W')
     */
    public static NDArray conv2d(NDArray x, NDArray weight, NDArray bias, int stride, int padding) {
        if (x.getShape().dimension() != 4 || weight.getShape().dimension() != 4) {
            throw new IllegalArgumentException("conv2d needs x (B, C, H, W) and weight (O, I, kH, kW), got "
                    + x.getShape() + " and " + weight.getShape());
        }
        if (x.getShape().get(1) != weight.getShape().get(1)) {
            throw new IllegalArgumentException("conv2d: input has " + x.getShape().get(1) + " channels, weight "
                    + weight.getShape() + " expects " + weight.getShape().get(1));
        }
        return Conv2d.conv2d(x, weight, bias, new Shape(stride, stride), new Shape(padding, padding),
                new Shape(1, 1), 1).singletonOrThrow();
    }

    /**
     * Zero padding of the last two axes, {@code F.pad(x, (left, right, top, bottom))}; the VAE encoder's
     * downsampler pads (0, 1, 0, 1) before its stride-2 convolution.
     */
    public static NDArray pad2d(NDArray x, int left, int right, int top, int bottom) {
        if (left < 0 || right < 0 || top < 0 || bottom < 0) {
            throw new IllegalArgumentException("pad2d takes non-negative padding, got " + left + "," + right + ","
                    + top + "," + bottom);
        }
        // torch.constant_pad_nd order: last axis first
        return x.pad(new Shape(left, right, top, bottom), 0);
    }

    /** {@code F.interpolate(x, scale_factor=2, mode="nearest")}: (B, C, H, W) -> (B, C, 2H, 2W). */
    public static NDArray upsampleNearest2x(NDArray x) {
        // DJL's repeat(axis, n) repeats every slice in place (repeat_interleave), which is nearest upsampling
        return x.repeat(2, 2).repeat(3, 2);
    }

    /** (B, C, H, W) -> (B, H*W, C), row-major over (H, W) as diffusers flattens spatial tokens. */
    public static NDArray toTokens(NDArray x) {
        Shape s = x.getShape();
        return x.transpose(0, 2, 3, 1).reshape(s.get(0), s.get(2) * s.get(3), s.get(1));
    }

    /** (B, H*W, C) -> (B, C, H, W), the inverse of {@link #toTokens}. */
    public static NDArray fromTokens(NDArray tokens, long height, long width) {
        Shape s = tokens.getShape();
        if (s.get(1) != height * width) {
            throw new IllegalArgumentException(s.get(1) + " tokens do not form a " + height + "x" + width + " grid");
        }
        return tokens.reshape(s.get(0), height, width, s.get(2)).transpose(0, 3, 1, 2);
    }
}
