package org.lorapipeline.core.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Expected bit patterns come from the IEEE 754 binary16 / bfloat16 definitions, worked by hand. */
class HalfFloatsTest {

    @Test
    void decodesKnownHalfValues() {
        assertThat(HalfFloats.f16ToF32(0x3C00)).isEqualTo(1.0f);
        assertThat(HalfFloats.f16ToF32(0xC000)).isEqualTo(-2.0f);
        assertThat(HalfFloats.f16ToF32(0x7BFF)).isEqualTo(65504.0f);
        assertThat(HalfFloats.f16ToF32(0x0001)).isEqualTo(0x1p-24f);
        assertThat(HalfFloats.f16ToF32(0x03FF)).isEqualTo(1023 * 0x1p-24f);
        assertThat(HalfFloats.f16ToF32(0x0400)).isEqualTo(0x1p-14f);
        assertThat(HalfFloats.f16ToF32(0x3555)).isEqualTo(0.333251953125f);
        assertThat(HalfFloats.f16ToF32(0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(HalfFloats.f16ToF32(0xFC00)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(Float.floatToRawIntBits(HalfFloats.f16ToF32(0x8000))).isEqualTo(0x8000_0000);
        assertThat(HalfFloats.f16ToF32(0x7E00)).isNaN();
    }

    @Test
    void everyHalfValueSurvivesARoundTrip() {
        for (int h = 0; h < 0x10000; h++) {
            float f = HalfFloats.f16ToF32(h);
            if (Float.isNaN(f)) {
                assertThat(HalfFloats.f16ToF32(HalfFloats.f32ToF16(f))).isNaN();
            } else {
                assertThat(HalfFloats.f32ToF16(f) & 0xFFFF).as("half bits %04x", h).isEqualTo(h);
            }
        }
    }

    @Test
    void encodesHalfWithRoundToNearestEven() {
        // halfway between 1 and 1+2^-10 goes to the even mantissa (1.0); 3 half-ulps goes up to 1+2^-9
        assertThat(HalfFloats.f32ToF16(1f + 0x1p-11f)).isEqualTo((short) 0x3C00);
        assertThat(HalfFloats.f32ToF16(1f + 3 * 0x1p-11f)).isEqualTo((short) 0x3C02);
        assertThat(HalfFloats.f32ToF16(1f + 0x1p-11f + 0x1p-20f)).isEqualTo((short) 0x3C01);
        assertThat(HalfFloats.f32ToF16(65519f)).isEqualTo((short) 0x7BFF);
        assertThat(HalfFloats.f32ToF16(65520f)).isEqualTo((short) 0x7C00);
        assertThat(HalfFloats.f32ToF16(1e10f)).isEqualTo((short) 0x7C00);
        assertThat(HalfFloats.f32ToF16(-1e10f)).isEqualTo((short) 0xFC00);
        // subnormals: 2^-25 is half of the smallest subnormal, ties to even (0); 3*2^-25 goes to 2*2^-24
        assertThat(HalfFloats.f32ToF16(0x1p-25f)).isEqualTo((short) 0x0000);
        assertThat(HalfFloats.f32ToF16(3 * 0x1p-25f)).isEqualTo((short) 0x0002);
        assertThat(HalfFloats.f32ToF16(-0x1p-30f)).isEqualTo((short) 0x8000);
        // the largest subnormal rounds up into the smallest normal
        assertThat(HalfFloats.f32ToF16(0x1p-14f - 0x1p-26f)).isEqualTo((short) 0x0400);
        assertThat(Float.isNaN(HalfFloats.f16ToF32(HalfFloats.f32ToF16(Float.NaN)))).isTrue();
    }

    @Test
    void bfloat16IsTheTopHalfRoundedToEven() {
        assertThat(HalfFloats.bf16ToF32(0x3F80)).isEqualTo(1.0f);
        assertThat(HalfFloats.bf16ToF32(0xC040)).isEqualTo(-3.0f);
        assertThat(HalfFloats.f32ToBf16(1.0f)).isEqualTo((short) 0x3F80);
        assertThat(HalfFloats.f32ToBf16(1f + 0x1p-8f)).isEqualTo((short) 0x3F80);
        assertThat(HalfFloats.f32ToBf16(1f + 3 * 0x1p-8f)).isEqualTo((short) 0x3F82);
        assertThat(HalfFloats.f32ToBf16(1f + 0x1p-8f + 0x1p-20f)).isEqualTo((short) 0x3F81);
        assertThat(HalfFloats.f32ToBf16(Float.POSITIVE_INFINITY)).isEqualTo((short) 0x7F80);
        assertThat(HalfFloats.f32ToBf16(Float.NaN)).isEqualTo((short) 0x7FC0);
        assertThat(HalfFloats.f32ToBf16(Float.intBitsToFloat(0xFF800001))).isEqualTo((short) 0x7FC0);
    }
}
