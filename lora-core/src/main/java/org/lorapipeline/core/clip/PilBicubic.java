package org.lorapipeline.core.clip;

/**
 * Pillow's {@code Image.resize(..., BICUBIC)} for 8-bit RGB, reproduced bit for bit because CLIP's image processor
 * resizes with Pillow: the Keys cubic with a = -0.5, support 2 scaled by the downscale factor (so downscaling
 * is antialiased, unlike OpenCV's or torchvision-tensor bicubic), coefficients normalised per output pixel and
 * rounded to 22-bit fixed point, horizontal pass first into an 8-bit intermediate, then vertical, each pass
 * rounding and clipping to 0..255 (Pillow's {@code libImaging/Resample.c}).
 */
public final class PilBicubic {
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double SUPPORT = 2.0;
    private static final double A = -0.5;

    private PilBicubic() {}

    /** Fixed-point taps for one axis: {@code bounds[2i]} first source index, {@code bounds[2i+1]} tap count. */
    private record Coefficients(int ksize, int[] bounds, int[] k) {}

    static double filter(double x) {
        x = Math.abs(x);
        if (x < 1.0) {
            return ((A + 2.0) * x - (A + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * A;
        }
        return 0.0;
    }

    private static Coefficients coefficients(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterscale = Math.max(scale, 1.0);
        double support = SUPPORT * filterscale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] bounds = new int[outSize * 2];
        int[] k = new int[outSize * ksize];
        double[] w = new double[ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ss = 1.0 / filterscale;
            int xmin = (int) (center - support + 0.5); // C's (int) truncates toward zero, as Java's cast does
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            xmax -= xmin;
            double ww = 0.0;
            for (int x = 0; x < xmax; x++) {
                w[x] = filter((x + xmin - center + 0.5) * ss);
                ww += w[x];
            }
            for (int x = 0; x < xmax; x++) {
                double v = ww != 0.0 ? w[x] / ww : w[x];
                k[xx * ksize + x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS))
                        : (int) (0.5 + v * (1 << PRECISION_BITS));
            }
            bounds[xx * 2] = xmin;
            bounds[xx * 2 + 1] = xmax;
        }
        return new Coefficients(ksize, bounds, k);
    }

    private static int clip8(int v) {
        int s = v >> PRECISION_BITS;
        return s < 0 ? 0 : Math.min(s, 255);
    }

    /**
     * Resizes interleaved RGB bytes (0..255 in an int array, row-major, 3 per pixel).
     *
     * @return interleaved RGB of {@code outW x outH}
     */
    public static int[] resize(int[] rgb, int w, int h, int outW, int outH) {
        if (rgb.length != w * h * 3) {
            throw new IllegalArgumentException("expected " + (w * h * 3) + " values for " + w + "x" + h + " RGB, got "
                    + rgb.length);
        }
        if (outW <= 0 || outH <= 0) {
            throw new IllegalArgumentException("output size must be positive, got " + outW + "x" + outH);
        }
        if (outW == w && outH == h) {
            return rgb.clone();
        }
        int[] horizontal = rgb;
        if (outW != w) {
            horizontal = new int[outW * h * 3];
            Coefficients c = coefficients(w, outW);
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < outW; xx++) {
                    int xmin = c.bounds()[xx * 2];
                    int n = c.bounds()[xx * 2 + 1];
                    int base = xx * c.ksize();
                    for (int ch = 0; ch < 3; ch++) {
                        int ss = 1 << (PRECISION_BITS - 1);
                        for (int x = 0; x < n; x++) {
                            ss += rgb[(y * w + xmin + x) * 3 + ch] * c.k()[base + x];
                        }
                        horizontal[(y * outW + xx) * 3 + ch] = clip8(ss);
                    }
                }
            }
        }
        if (outH == h) {
            return horizontal;
        }
        int[] out = new int[outW * outH * 3];
        Coefficients c = coefficients(h, outH);
        for (int yy = 0; yy < outH; yy++) {
            int ymin = c.bounds()[yy * 2];
            int n = c.bounds()[yy * 2 + 1];
            int base = yy * c.ksize();
            for (int x = 0; x < outW; x++) {
                for (int ch = 0; ch < 3; ch++) {
                    int ss = 1 << (PRECISION_BITS - 1);
                    for (int y = 0; y < n; y++) {
                        ss += horizontal[((ymin + y) * outW + x) * 3 + ch] * c.k()[base + y];
                    }
                    out[(yy * outW + x) * 3 + ch] = clip8(ss);
                }
            }
        }
        return out;
    }
}
