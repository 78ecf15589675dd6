package org.lorapipeline.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lorapipeline.core.config.MixedPrecision;

/** What CPU libtorch 2.7.1 under DJL 0.35.1 can do with half precision, measured rather than assumed. */
class HalfPrecisionTest {
    private static NDManager m;

    @BeforeAll
    static void open() {
        m = TorchRuntime.open("cpu").newManager();
    }

    @AfterAll
    static void close() {
        m.close();
    }

    private static NDArray random(long seed, long rows, long cols) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[(int) (rows * cols)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return Tensors.create(m, v, rows, cols);
    }

    /** d/dx sum((x W^T)^2) = 2 (x W^T) W, computed in fp32 for reference. */
    private static float[] referenceGrad(NDArray x, NDArray w) {
        return x.matMul(w.transpose()).mul(2f).matMul(w).toFloatArray();
    }

    @Test
    void toTypeCutsTheGraphWhichIsWhyThisClassExists() {
        NDArray x = random(1, 4, 8);
        NDArray w = random(2, 3, 8).toType(DataType.FLOAT16, false);
        x.setRequiresGradient(true);
        Engine engine = m.getEngine();
        assertThatThrownBy(() -> {
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray y = x.toType(DataType.FLOAT16, false).matMul(w.transpose()).toType(DataType.FLOAT32, false);
                gc.backward(y.square().sum());
            }
        }).hasMessageContaining("does not require grad");
    }

    @Test
    void fp16LinearBackpropagatesThroughTheInGraphCasts() {
        NDArray x = random(1, 4, 8);
        NDArray w32 = random(2, 3, 8);
        NDArray w16 = w32.toType(DataType.FLOAT16, false);
        x.setRequiresGradient(true);
        NDArray y;
        try (GradientCollector gc = m.getEngine().newGradientCollector()) {
            y = HalfPrecision.linear(x, w16);
            gc.backward(y.square().sum());
        }
        assertThat(y.getDataType()).isEqualTo(DataType.FLOAT32);
        float[] want = x.matMul(w32.transpose()).toFloatArray();
        float[] got = y.toFloatArray();
        float[] grad = x.getGradient().toFloatArray();
        float[] wantGrad = referenceGrad(x, w32);
        for (int i = 0; i < want.length; i++) {
            // fp16 has an 11-bit significand: ~5e-4 relative per rounding, a few roundings here
            assertThat(got[i]).as("y[%d]", i).isCloseTo(want[i], within(4e-3f * (1 + Math.abs(want[i]))));
        }
        for (int i = 0; i < wantGrad.length; i++) {
            assertThat(grad[i]).as("grad[%d]", i).isCloseTo(wantGrad[i], within(1e-2f * (1 + Math.abs(wantGrad[i]))));
        }
        // and the gradient is not the fp32 one: the matmul really ran in half precision
        assertThat(grad).isNotEqualTo(wantGrad);
    }

    @Test
    void sameTypeLinearIsPlainFp32() {
        NDArray x = random(3, 2, 8);
        NDArray w = random(4, 5, 8);
        assertThat(HalfPrecision.linear(x, w).toFloatArray()).isEqualTo(Ops.linear(x, w).toFloatArray());
        assertThat(HalfPrecision.cast(x, DataType.FLOAT32)).isSameAs(x);
    }

    @Test
    void bf16IsRefusedBeforeDjlCanAbortTheJvm() {
        NDArray x = random(5, 2, 2);
        assertThatThrownBy(() -> HalfPrecision.cast(x, DataType.BFLOAT16))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bfloat16");
    }

    @Test
    void policyRefusesFp16OnCpuAndBf16EverywhereNamingTheKey() {
        assertThat(PrecisionPolicy.resolve(MixedPrecision.NO, Device.cpu())).isEqualTo(PrecisionPolicy.fp32());
        assertThatThrownBy(() -> PrecisionPolicy.resolve(MixedPrecision.FP16, Device.cpu()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("mixed_precision: fp16 needs a CUDA GPU")
                .hasMessageContaining("mixed_precision: \"no\"");
        for (Device d : new Device[] {Device.cpu(), Device.gpu(0)}) {
            assertThatThrownBy(() -> PrecisionPolicy.resolve(MixedPrecision.BF16, d))
                    .hasMessageStartingWith("mixed_precision: bf16 is not supported");
        }
        // on a GPU (only the Device object is needed to decide) fp16 engages the real path
        PrecisionPolicy gpu = PrecisionPolicy.resolve(MixedPrecision.FP16, Device.gpu(1));
        assertThat(gpu.baseWeights()).isEqualTo(DataType.FLOAT16);
        assertThat(gpu.lossScaling()).isTrue();
        assertThat(gpu.describe()).isEqualTo("fp16 (base weights float16, LoRA/AdamW fp32, dynamic loss scaling)");
        assertThat(PrecisionPolicy.fp32().describe()).isEqualTo("fp32");
    }
}
