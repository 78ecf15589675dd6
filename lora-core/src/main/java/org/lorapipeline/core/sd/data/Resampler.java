package org.lorapipeline.core.sd.data;

/**
 * Separable float resizing of planar images, per axis: pixel-area averaging when shrinking (what OpenCV's
 * {@code INTER_AREA}, kohya's choice, computes: each output pixel is the mean of the source area it covers,
 * partial pixels weighted by their covered fraction), Keys cubic convolution ({@code a = -0.5}, edge pixels
 * repeated) when enlarging, a copy when the size is unchanged. Only the requested output window is computed.
 */
final class Resampler {
    private static final double A = -0.5;

    private Resampler() {
    }

    /** Taps of one output axis: output {@code i} reads {@code count[i]} source pixels from {@code first[i]}. */
    private record Taps(int[] first, int[] count, double[][] weights) {
    }

    /**
     * Resizes {@code (channels, h, w)} planes to {@code outW x outH} and returns the window
     * {@code (channels, winH, winW)} at ({@code left}, {@code top}) of the result.
     */
    static float[] resize(float[] src, int channels, int w, int h, int outW, int outH, int left, int top,
                          int winW, int winH) {
        if (src.length != channels * w * h) {
            throw new IllegalArgumentException("expected " + channels * w * h + " values, got " + src.length);
        }
        Taps tx = taps(w, outW, left, winW);
        Taps ty = taps(h, outH, top, winH);
        // Horizontal pass over every source row: (C, h, w) -> (C, h, winW)
        float[] rows = new float[channels * h * winW];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                int in = (c * h + y) * w;
                int out = (c * h + y) * winW;
                for (int x = 0; x < winW; x++) {
                    double acc = 0;
                    double[] k = tx.weights()[x];
                    for (int t = 0; t < tx.count()[x]; t++) {
                        acc += k[t] * src[in + tx.first()[x] + t];
                    }
                    rows[out + x] = (float) acc;
                }
            }
        }
        // Vertical pass: (C, h, winW) -> (C, winH, winW)
        float[] dst = new float[channels * winH * winW];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < winH; y++) {
                double[] k = ty.weights()[y];
                int out = (c * winH + y) * winW;
                for (int t = 0; t < ty.count()[y]; t++) {
                    int in = (c * h + ty.first()[y] + t) * winW;
                    double weight = k[t];
                    for (int x = 0; x < winW; x++) {
                        dst[out + x] += (float) (weight * rows[in + x]);
                    }
                }
            }
        }
        return dst;
    }

    private static Taps taps(int in, int out, int start, int len) {
        int[] first = new int[len];
        int[] count = new int[len];
        double[][] weights = new double[len][];
        for (int i = 0; i < len; i++) {
            int o = start + i;
            if (out == in) {
                first[i] = o;
                count[i] = 1;
                weights[i] = new double[] {1.0};
            } else if (out < in) {
                area(in, out, o, i, first, count, weights);
            } else {
                cubic(in, out, o, i, first, count, weights);
            }
        }
        return new Taps(first, count, weights);
    }

    /** Output pixel {@code o} covers source interval {@code [o*s, (o+1)*s)}, {@code s = in/out > 1}. */
    private static void area(int in, int out, int o, int i, int[] first, int[] count, double[][] weights) {
        double scale = (double) in / out;
        double lo = o * scale;
        double hi = Math.min(in, (o + 1) * scale);
        int j0 = (int) Math.floor(lo);
        int j1 = Math.min(in, (int) Math.ceil(hi));
        double[] k = new double[j1 - j0];
        double total = 0;
        for (int j = j0; j < j1; j++) {
            double overlap = Math.min(hi, j + 1) - Math.max(lo, j);
            k[j - j0] = Math.max(0, overlap);
            total += k[j - j0];
        }
        for (int t = 0; t < k.length; t++) {
            k[t] /= total;
        }
        first[i] = j0;
        count[i] = k.length;
        weights[i] = k;
    }

    /** Four taps around the source position of pixel centre {@code o}, edge pixels repeated. */
    private static void cubic(int in, int out, int o, int i, int[] first, int[] count, double[][] weights) {
        double x = (o + 0.5) * in / out - 0.5;
        int x0 = (int) Math.floor(x);
        double f = x - x0;
        double[] raw = {keys(1 + f), keys(f), keys(1 - f), keys(2 - f)};
        // Fold taps that fall outside the image onto the edge pixels, so every output reads a contiguous range.
        int lo = Math.max(0, Math.min(in - 1, x0 - 1));
        int hi = Math.max(0, Math.min(in - 1, x0 + 2));
        double[] k = new double[hi - lo + 1];
        for (int t = 0; t < 4; t++) {
            int j = Math.max(0, Math.min(in - 1, x0 - 1 + t));
            k[j - lo] += raw[t];
        }
        first[i] = lo;
        count[i] = k.length;
        weights[i] = k;
    }

    private static double keys(double x) {
        x = Math.abs(x);
        if (x < 1) {
            return ((A + 2) * x - (A + 3)) * x * x + 1;
        }
        if (x < 2) {
            return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
        }
        return 0;
    }
}
