package org.lorapipeline.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lorapipeline.core.testing.GcPressure;

/**
 * {@link Ops#scale} must keep its scalar alive for backward. DJL's own {@code x.mul(3f)} fails this test: its scalar
 * lives in a Java direct buffer that is freed at the next GC, and the gradient then reads reused memory.
 */
class ScaleGradientTest {

    @Test
    void gradientOfAScaledArraySurvivesAGcBetweenForwardAndBackward() throws Exception {
        TorchRuntime rt = TorchRuntime.open("cpu");
        for (int trial = 0; trial < 5; trial++) {
            try (NDManager m = rt.newManager()) {
                NDArray x = Tensors.create(m, new float[] {1, 2, 3, 4}, 4);
                x.setRequiresGradient(true);
                List<ByteBuffer> nan;
                try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                    NDArray y = Ops.scale(x, 3f).sum();
                    nan = GcPressure.reuseFreedDirectMemory();
                    gc.backward(y);
                }
                assertThat(x.getGradient().toFloatArray()).as("trial %d", trial).containsExactly(3f, 3f, 3f, 3f);
                assertThat(nan).hasSize(2000); // the NaN fill stayed allocated through backward
            }
        }
    }

    @Test
    void scaleKeepsShapeAndType() {
        try (NDManager m = TorchRuntime.open("cpu").newManager()) {
            NDArray x = m.arange(6f).reshape(2, 3);
            NDArray y = Ops.scale(x, 1.5f);
            assertThat(y.getShape()).isEqualTo(x.getShape());
            assertThat(y.toFloatArray()).containsExactly(0f, 1.5f, 3f, 4.5f, 6f, 7.5f);
            NDArray h = Ops.scale(HalfPrecision.cast(x, ai.djl.ndarray.types.DataType.FLOAT16), 2f);
            assertThat(h.getDataType()).isEqualTo(ai.djl.ndarray.types.DataType.FLOAT16);
        }
    }
}
