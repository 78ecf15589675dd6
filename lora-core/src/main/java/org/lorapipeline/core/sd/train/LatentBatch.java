package org.lorapipeline.core.sd.train;

import java.util.Arrays;

/**
 * One micro-batch as the denoiser step takes it: scaled latents (what the VAE encoder gives times
 * {@code scaling_factor}) and the token ids of the rendered captions.
 *
 * @param latents (B, C, h, w) values, row-major
 * @param shape   {B, C, h, w}
 * @param ids     (B, 77) CLIP token ids, BOS ... EOS, EOS-padded
 */
public record LatentBatch(float[] latents, long[] shape, long[][] ids) {
    public LatentBatch {
        if (shape.length != 4 || (long) latents.length != shape[0] * shape[1] * shape[2] * shape[3]) {
            throw new IllegalArgumentException("latents " + latents.length + " values do not fit shape "
                    + Arrays.toString(shape));
        }
        if (ids.length != shape[0]) {
            throw new IllegalArgumentException(ids.length + " captions for " + shape[0] + " latents");
        }
    }

    public int size() {
        return (int) shape[0];
    }
}
