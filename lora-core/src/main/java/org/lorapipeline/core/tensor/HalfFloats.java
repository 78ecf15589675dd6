package org.lorapipeline.core.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * IEEE half (F16) and bfloat16 (BF16) conversions. JDK 17 has no {@code Float.float16ToFloat} (JDK 20+),
 * so F16 is decoded by hand. Conversions to 16 bits round to nearest, ties to even, as PyTorch does.
 */
public final class HalfFloats {
    private HalfFloats() {}

    /** Decodes IEEE 754 binary16 bits (low 16 bits of {@code bits}) to a float; exact for every input. */
    public static float f16ToF32(int bits) {
        int h = bits & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0) {
            // zero or subnormal: mant * 2^-24, exact in float
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        if (exp == 0x1F) {
            // infinity, or NaN with its payload kept in the top mantissa bits
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** Encodes a float as binary16 bits, round-to-nearest-even; overflow gives infinity, NaN stays NaN. */
    public static short f32ToF16(float value) {
        int f = Float.floatToRawIntBits(value);
        int sign = (f >>> 16) & 0x8000;
        int abs = f & 0x7FFF_FFFF;
        if (abs >= 0x7F80_0000) {
            int nan = abs > 0x7F80_0000 ? 0x200 | ((abs >>> 13) & 0x3FF) : 0;
            return (short) (sign | 0x7C00 | nan);
        }
        if (abs >= 0x477F_F000) { // >= 65520 rounds (ties to even) past 65504
            return (short) (sign | 0x7C00);
        }
        if (abs < 0x3880_0000) { // below 2^-14: half subnormal or zero
            double scaled = (double) Float.intBitsToFloat(abs) * 0x1p24; // exact
            return (short) (sign | (int) Math.rint(scaled)); // rint rounds half to even
        }
        int h = (((abs >>> 23) - 112) << 10) | ((abs >>> 13) & 0x3FF);
        int rest = abs & 0x1FFF;
        if (rest > 0x1000 || (rest == 0x1000 && (h & 1) != 0)) {
            h++; // a carry out of the mantissa correctly bumps the exponent
        }
        return (short) (sign | h);
    }

    /** bfloat16 is the top half of a float. */
    public static float bf16ToF32(int bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Encodes a float as bfloat16, round-to-nearest-even; every NaN becomes 0x7FC0 as in PyTorch's c10. */
    public static short f32ToBf16(float value) {
        if (Float.isNaN(value)) {
            return (short) 0x7FC0;
        }
        int f = Float.floatToRawIntBits(value);
        int bias = 0x7FFF + ((f >>> 16) & 1);
        return (short) ((f + bias) >>> 16);
    }

    /** Widens {@code count} little-endian BF16 values starting at the buffer's position. */
    public static float[] widenBf16(ByteBuffer src, int count) {
        ByteBuffer b = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = bf16ToF32(b.getShort());
        }
        return out;
    }

    /** Widens {@code count} little-endian F16 values starting at the buffer's position. */
    public static float[] widenF16(ByteBuffer src, int count) {
        ByteBuffer b = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = f16ToF32(b.getShort());
        }
        return out;
    }
}
