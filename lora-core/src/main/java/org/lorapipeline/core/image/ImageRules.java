package org.lorapipeline.core.image;

/**
 * Limits applied to every training image.
 *
 * @param minShortSide smallest acceptable short side in pixels (the seeds advise at least 512x512)
 * @param maxPixels    width x height above which an image is refused before decoding (decompression bombs); the
 *                     default is Pillow's {@code Image.MAX_IMAGE_PIXELS}, which the Python tools already live with
 */
public record ImageRules(int minShortSide, long maxPixels) {
    public static final int DEFAULT_MIN_SHORT_SIDE = 512;
    public static final long DEFAULT_MAX_PIXELS = 89_478_485L;

    public ImageRules {
        if (minShortSide < 1) {
            throw new IllegalArgumentException("minShortSide must be >= 1, got " + minShortSide);
        }
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be >= 1, got " + maxPixels);
        }
    }

    public static ImageRules defaults() {
        return new ImageRules(DEFAULT_MIN_SHORT_SIDE, DEFAULT_MAX_PIXELS);
    }

    public boolean isTooSmall(int width, int height) {
        return Math.min(width, height) < minShortSide;
    }
}
