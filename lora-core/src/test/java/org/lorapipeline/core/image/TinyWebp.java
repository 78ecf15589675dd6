package org.lorapipeline.core.image;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes a lossless WebP (VP8L, RFC 9649) of one solid colour by hand: TwelveMonkeys can only read WebP, and a
 * bitstream whose five prefix codes each have a single symbol needs zero bits per pixel, so any size fits in
 * a few dozen bytes. That also makes it a cheap decompression bomb for the pixel-limit test.
 */
final class TinyWebp {
    private TinyWebp() {
    }

    static byte[] solid(int width, int height, int argb) {
        BitWriter bits = new BitWriter();
        bits.write(0x2f, 8);            // VP8L signature
        bits.write(width - 1, 14);
        bits.write(height - 1, 14);
        bits.write(1, 1);               // alpha_is_used
        bits.write(0, 3);               // version
        bits.write(0, 1);               // no transform
        bits.write(0, 1);               // no colour cache
        bits.write(0, 1);               // no meta prefix codes
        int[] symbols = {(argb >> 8) & 0xff, (argb >> 16) & 0xff, argb & 0xff, (argb >>> 24) & 0xff, 0};
        for (int symbol : symbols) {    // green, red, blue, alpha, distance
            bits.write(1, 1);           // simple code
            bits.write(0, 1);           // one symbol
            bits.write(1, 1);           // 8-bit symbol
            bits.write(symbol, 8);
        }
        // Zero padding after the bitstream: TwelveMonkeys refills its bit buffer 8 bytes at a time and would hit
        // EOF (thrown and caught per refill, seconds for a 600x400 image) on a stream that ends right here.
        byte[] vp8l = java.util.Arrays.copyOf(bits.toByteArray(), bits.size() + 16);
        int padded = vp8l.length + (vp8l.length & 1);
        ByteBuffer riff = ByteBuffer.allocate(20 + padded).order(ByteOrder.LITTLE_ENDIAN);
        riff.put("RIFF".getBytes()).putInt(12 + padded).put("WEBP".getBytes());
        riff.put("VP8L".getBytes()).putInt(vp8l.length).put(vp8l);
        return riff.array();
    }

    /** LSB-first, as VP8L reads bits. */
    private static final class BitWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private long acc;
        private int used;

        void write(int value, int count) {
            acc |= ((long) value & ((1L << count) - 1)) << used;
            used += count;
            while (used >= 8) {
                out.write((int) (acc & 0xff));
                acc >>>= 8;
                used -= 8;
            }
        }

        int size() {
            return out.size() + (used > 0 ? 1 : 0);
        }

        byte[] toByteArray() {
            if (used > 0) {
                out.write((int) (acc & 0xff));
                acc = 0;
                used = 0;
            }
            return out.toByteArray();
        }
    }
}
