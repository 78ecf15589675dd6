package org.lorapipeline.core.tensorboard;

import java.util.Arrays;

/** {@code Summary.Image}: height, width, colorspace (1 gray, 3 RGB, 4 RGBA) and the encoded PNG. */
public record SummaryImage(int height, int width, int colorspace, byte[] png) {
    public SummaryImage {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (colorspace != 1 && colorspace != 2 && colorspace != 3 && colorspace != 4) {
            throw new IllegalArgumentException("colorspace must be 1 (gray), 2, 3 (RGB) or 4 (RGBA), got " + colorspace);
        }
        png = png.clone();
    }

    @Override
    public byte[] png() {
        return png.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SummaryImage i && height == i.height && width == i.width && colorspace == i.colorspace
                && Arrays.equals(png, i.png);
    }

    @Override
    public int hashCode() {
        return (height * 31 + width) * 31 + Arrays.hashCode(png);
    }

    @Override
    public String toString() {
        return "SummaryImage[" + width + "x" + height + ", colorspace " + colorspace + ", " + png.length + " bytes]";
    }
}
