package org.lorapipeline.core.image;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * DCT perceptual hash (pHash) as popularised by Python's {@code imagehash.phash}: the image is reduced to 32x32
 * luma (ITU-R 601 weights, area averaging), transformed with a 2-D DCT-II, and each of the 8x8 lowest-frequency
 * coefficients becomes one bit: 1 when above their median. Bit 63 is coefficient (0,0), then row-major, which is
 * the order of imagehash's hex string. Near-duplicate images differ in few bits; see {@link #distance}.
 */
public final class PerceptualHash {
    /** Side of the grey thumbnail the DCT runs on. */
    public static final int SIZE = 32;
    private static final int LOW = 8;
    /** cos(pi * (2x + 1) * u / (2 * SIZE)) for u < LOW, x < SIZE. */
    private static final double[][] COS = new double[LOW][SIZE];

    static {
        for (int u = 0; u < LOW; u++) {
            for (int x = 0; x < SIZE; x++) {
                COS[u][x] = Math.cos(Math.PI * (2 * x + 1) * u / (2.0 * SIZE));
            }
        }
    }

    private PerceptualHash() {
    }

    public static long of(BufferedImage image) {
        return ofGrey(greyThumbnail(image));
    }

    /** Hash of a ready 32x32 luma matrix indexed [y][x]; exposed so the DCT step can be checked on its own. */
    public static long ofGrey(double[][] grey) {
        if (grey.length != SIZE || grey[0].length != SIZE) {
            throw new IllegalArgumentException("grey must be " + SIZE + "x" + SIZE);
        }
        // rows: (32 y, 32 x) -> (32 y, 8 u)
        double[][] rows = new double[SIZE][LOW];
        for (int y = 0; y < SIZE; y++) {
            for (int u = 0; u < LOW; u++) {
                double sum = 0;
                for (int x = 0; x < SIZE; x++) {
                    sum += grey[y][x] * COS[u][x];
                }
                rows[y][u] = sum;
            }
        }
        // columns: (32 y, 8 u) -> (8 v, 8 u)
        double[] low = new double[LOW * LOW];
        for (int v = 0; v < LOW; v++) {
            for (int u = 0; u < LOW; u++) {
                double sum = 0;
                for (int y = 0; y < SIZE; y++) {
                    sum += rows[y][u] * COS[v][y];
                }
                low[v * LOW + u] = sum;
            }
        }
        double[] sorted = low.clone();
        Arrays.sort(sorted);
        double median = (sorted[31] + sorted[32]) / 2;
        long hash = 0;
        for (int i = 0; i < low.length; i++) {
            hash = (hash << 1) | (low[i] > median ? 1 : 0);
        }
        return hash;
    }

    /** Number of differing bits, 0..64. */
    public static int distance(long a, long b) {
        return Long.bitCount(a ^ b);
    }

    /** 16 lower-case hex digits, the form imagehash prints. */
    public static String hex(long hash) {
        return String.format("%016x", hash);
    }

    /** Area-averaged 32x32 luma in 0..255, [y][x]. Alpha is ignored, as Pillow's convert("L") does. */
    static double[][] greyThumbnail(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        // (h, w) luma -> (h, 32) by averaging along x, then -> (32, 32) along y
        double[][] narrow = new double[h][];
        int[] row = new int[w];
        double[] luma = new double[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                luma[x] = 0.299 * ((p >> 16) & 0xff) + 0.587 * ((p >> 8) & 0xff) + 0.114 * (p & 0xff);
            }
            narrow[y] = boxResample(luma, SIZE);
        }
        double[][] out = new double[SIZE][SIZE];
        double[] column = new double[h];
        for (int x = 0; x < SIZE; x++) {
            for (int y = 0; y < h; y++) {
                column[y] = narrow[y][x];
            }
            double[] resampled = boxResample(column, SIZE);
            for (int y = 0; y < SIZE; y++) {
                out[y][x] = resampled[y];
            }
        }
        return out;
    }

    /** Each output sample is the mean of the input over its span, with fractional weights at the edges. */
    private static double[] boxResample(double[] in, int outSize) {
        double[] out = new double[outSize];
        double scale = (double) in.length / outSize;
        for (int i = 0; i < outSize; i++) {
            double start = i * scale;
            double end = start + scale;
            double sum = 0;
            for (int k = (int) Math.floor(start); k < Math.ceil(end) && k < in.length; k++) {
                double overlap = Math.min(end, k + 1) - Math.max(start, k);
                sum += in[k] * overlap;
            }
            out[i] = sum / scale;
        }
        return out;
    }
}
