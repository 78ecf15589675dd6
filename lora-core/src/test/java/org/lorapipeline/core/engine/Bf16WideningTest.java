package org.lorapipeline.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class Bf16WideningTest {

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
