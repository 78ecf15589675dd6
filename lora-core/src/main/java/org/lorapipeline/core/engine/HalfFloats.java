package org.lorapipeline.core.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * BF16/F16 conversion done in Java. DJL 0.35.1 on PyTorch 2.7.1 aborts the JVM when it creates a BFLOAT16 NDArray
 * or casts to one (confirmed: {@code NDManager.create(buf, shape, BFLOAT16)} and {@code toType(BFLOAT16)} both end
 * in "terminate called without an active exception"), so half-precision weights are widened to F32 before they
 * reach the engine. JDK 17 has no {@code Float.float16ToFloat}, hence the hand decoder.
 */
public final class HalfFloats {
    private HalfFloats() {}

    /** BF16 is the top half of an F32. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** F32 to BF16, rounding to nearest even and keeping NaN a (quiet) NaN. */
    public static short floatToBf16(float f) {
        int x = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((x >>> 16) | 0x0040);
        }
        int lsb = (x >>> 16) & 1;
        return (short) ((x + 0x7fff + lsb) >>> 16);
    }

    /** IEEE binary16 to F32, subnormals, infinities and NaN included. */
    public static float f16ToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            // subnormal: value = mant * 2^-24
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /** Widens {@code count} little-endian BF16 values starting at the buffer's position. */
    public static float[] widenBf16(ByteBuffer src, int count) {
        ByteBuffer b = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = bf16ToFloat(b.getShort());
        }
        return out;
    }

    /** Widens {@code count} little-endian F16 values starting at the buffer's position. */
    public static float[] widenF16(ByteBuffer src, int count) {
        ByteBuffer b = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = f16ToFloat(b.getShort());
        }
        return out;
    }
}
