package org.lorapipeline.core.sd.data;

/**
 * One image ready for the VAE encoder.
 *
 * @param chw      RGB planes {@code (3, height, width)}, values {@code x/127.5 - 1} in [-1, 1]
 * @param width    the bucket width
 * @param height   the bucket height
 * @param cropTop  top of the kept window in the resized image (SDXL's crop conditioning uses it)
 * @param cropLeft left of the kept window in the resized image
 * @param flipped  mirrored left-right
 */
public record SdPixels(float[] chw, int width, int height, int cropTop, int cropLeft, boolean flipped) {
    public SdPixels {
        if (chw == null || width < 1 || height < 1 || chw.length != 3 * width * height) {
            throw new IllegalArgumentException("chw must hold 3x" + height + "x" + width + " values, got "
                    + (chw == null ? "null" : chw.length));
        }
        if (cropTop < 0 || cropLeft < 0) {
            throw new IllegalArgumentException("crop offsets must be >= 0, got " + cropTop + ", " + cropLeft);
        }
    }

    /** The tensor shape {@code (3, height, width)}. */
    public long[] shape() {
        return new long[] {3, height, width};
    }
}
