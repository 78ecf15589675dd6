package org.lorapipeline.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class HalfFloatsTest {

    @Test
    void decodesBf16AndF16ByHand() {
        assertThat(HalfFloats.bf16ToFloat((short) 0x3F80)).isEqualTo(1.0f);
        assertThat(HalfFloats.bf16ToFloat((short) 0xC040)).isEqualTo(-3.0f);
        assertThat(HalfFloats.f16ToFloat((short) 0x3C00)).isEqualTo(1.0f);
        assertThat(HalfFloats.f16ToFloat((short) 0xC000)).isEqualTo(-2.0f);
        assertThat(HalfFloats.f16ToFloat((short) 0x7BFF)).isEqualTo(65504f);
        assertThat(HalfFloats.f16ToFloat((short) 0x0001)).isEqualTo((float) Math.pow(2, -24));
        assertThat(HalfFloats.f16ToFloat((short) 0x3555)).isEqualTo(0.33325195f);
        assertThat(HalfFloats.f16ToFloat((short) 0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(HalfFloats.f16ToFloat((short) 0x7E00)).isNaN();
    }

    @Test
    void bf16RoundsToNearestEven() {
        // 1 + 2^-8 is exactly half-way between bf16 1.0 (0x3F80) and 0x3F81: ties go to the even mantissa
        assertThat(HalfFloats.floatToBf16(Float.intBitsToFloat(0x3F808000))).isEqualTo((short) 0x3F80);
        assertThat(HalfFloats.floatToBf16(Float.intBitsToFloat(0x3F818000))).isEqualTo((short) 0x3F82);
        assertThat(HalfFloats.floatToBf16(Float.intBitsToFloat(0x3F808001))).isEqualTo((short) 0x3F81);
        assertThat(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.NaN))).isNaN();
    }

    @Test
    void bf16BytesBecomeAnF32ArrayWithoutTouchingTheEngineBf16Path() {
        ByteBuffer b = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0x3F80).putShort((short) 0xC040).putShort((short) 0x4049).flip();
        TorchRuntime rt = TorchRuntime.open("cpu");
        try (NDManager m = rt.newManager()) {
            NDArray a = Tensors.fromBytes(m, b, "BF16", 3);
            assertThat(a.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(a.toFloatArray()).containsExactly(1f, -3f, 3.140625f);
        }
    }
}
