package org.lorapipeline.core.image;

/**
 * What an image file says about itself before any pixel is decoded.
 *
 * @param format lower-case format name as ImageIO reports it: png, jpeg, webp, bmp
 */
public record ImageHeader(String format, int width, int height) {
    public ImageHeader {
        if (format == null || format.isBlank()) {
            throw new IllegalArgumentException("format must not be blank");
        }
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("width and height must be >= 1, got " + width + "x" + height);
        }
    }

    public long pixels() {
        return (long) width * height;
    }

    public int shortSide() {
        return Math.min(width, height);
    }
}
