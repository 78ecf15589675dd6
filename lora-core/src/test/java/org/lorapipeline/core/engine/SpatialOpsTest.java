package org.lorapipeline.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** NormOps, ConvOps and DiffusionOps against values worked out by hand from the PyTorch definitions. */
class SpatialOpsTest {
    private static NDManager m;

    @BeforeAll
    static void open() {
        m = TorchRuntime.open("cpu").newManager();
    }

    @AfterAll
    static void close() {
        m.close();
    }

    private static NDArray f(float[] v, long... shape) {
        return Tensors.create(m, v, shape);
    }

    @Test
    void groupNormNormalisesEachGroupOverChannelsAndSpace() {
        // group 0 = channels 0,1 = {1,3,5,7}: mean 4, var 5; group 1 = channels 2,3 = {2,2,0,4}: mean 2, var 2
        NDArray x = f(new float[] {1, 3, 5, 7, 2, 2, 0, 4}, 1, 4, 1, 2);
        NDArray y = NormOps.groupNorm(x, 2, f(new float[] {1, 2, 1, 1}, 4), f(new float[] {0, 0, 1, 0}, 4), 0f);
        assertThat(y.getShape()).isEqualTo(new Shape(1, 4, 1, 2));
        float s5 = (float) Math.sqrt(5);
        float s2 = (float) Math.sqrt(2);
        assertThat(y.toFloatArray()).containsExactly(new float[] {-3 / s5, -1 / s5, 2 / s5, 6 / s5, 1, 1, -2 / s2,
                2 / s2}, within(1e-6f));
        assertThatThrownBy(() -> NormOps.groupNorm(x, 3, x, x, 0f)).hasMessageContaining("norm_num_groups");
    }

    @Test
    void groupNormKeepsGradients() {
        NDArray x = f(new float[] {1, 3, 5, 7, 2, 2, 0, 4}, 1, 4, 2);
        NDArray w = f(new float[] {1, 1, 1, 1}, 4);
        w.setRequiresGradient(true);
        try (GradientCollector gc = m.getEngine().newGradientCollector()) {
            NDArray y = NormOps.groupNorm(x, 2, w, m.zeros(new Shape(4)), 1e-5f);
            gc.backward(y.mul(y).sum());
        }
        // d/dw sum((w n)^2) = 2 w sum(n^2) per channel; each group has sum(n^2) = 4 (unit variance, 4 values)
        float[] g = w.getGradient().toFloatArray();
        assertThat(g[0] + g[1]).isCloseTo(8f, within(1e-3f));
        assertThat(g[2] + g[3]).isCloseTo(8f, within(1e-3f));
    }

    @Test
    void layerNormOverTheLastAxis() {
        // mean 2.5, var 1.25
        NDArray y = NormOps.layerNorm(f(new float[] {1, 2, 3, 4}, 1, 4), f(new float[] {1, 1, 2, 2}, 4),
                f(new float[] {0, 1, 0, 0}, 4), 0f);
        float s = (float) Math.sqrt(1.25);
        assertThat(y.toFloatArray()).containsExactly(new float[] {-1.5f / s, -0.5f / s + 1, 1f / s, 3f / s},
                within(1e-6f));
    }

    @Test
    void conv2dWithPaddingStrideAndBias() {
        NDArray x = f(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
        NDArray ones = m.ones(new Shape(1, 1, 3, 3));
        NDArray same = ConvOps.conv2d(x, ones, f(new float[] {0.5f}, 1), 1, 1);
        assertThat(same.getShape()).isEqualTo(new Shape(1, 1, 3, 3));
        // centre: 1+...+9; corner (0,0): 1+2+4+5
        assertThat(same.toFloatArray()[4]).isEqualTo(45.5f);
        assertThat(same.toFloatArray()[0]).isEqualTo(12.5f);
        NDArray strided = ConvOps.conv2d(x, ones, f(new float[] {0.5f}, 1), 2, 1);
        assertThat(strided.toFloatArray()).containsExactly(12.5f, 16.5f, 24.5f, 28.5f);
        NDArray pointwise = ConvOps.conv2d(x, f(new float[] {2, -1}, 2, 1, 1, 1), null, 1, 0);
        assertThat(pointwise.getShape()).isEqualTo(new Shape(1, 2, 3, 3));
        assertThat(pointwise.toFloatArray()[9 + 8]).isEqualTo(-9f);
        assertThat(pointwise.toFloatArray()[8]).isEqualTo(18f);
        assertThatThrownBy(() -> ConvOps.conv2d(x, m.ones(new Shape(1, 2, 1, 1)), null, 1, 0))
                .hasMessageContaining("1 channels");
    }

    @Test
    void asymmetricPadUpsampleAndTokenViews() {
        NDArray x = f(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        assertThat(ConvOps.pad2d(x, 0, 1, 0, 1).toFloatArray()).containsExactly(1, 2, 0, 3, 4, 0, 0, 0, 0);
        assertThat(ConvOps.pad2d(x, 1, 0, 0, 0).toFloatArray()).containsExactly(0, 1, 2, 0, 3, 4);
        NDArray up = ConvOps.upsampleNearest2x(x);
        assertThat(up.getShape()).isEqualTo(new Shape(1, 1, 4, 4));
        assertThat(up.toFloatArray()).containsExactly(1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4);
        // two channels [1,2] and [3,4] on a 1x2 grid -> tokens (1, 2, 2): [[1,3],[2,4]]
        NDArray c = f(new float[] {1, 2, 3, 4}, 1, 2, 1, 2);
        NDArray tokens = ConvOps.toTokens(c);
        assertThat(tokens.getShape()).isEqualTo(new Shape(1, 2, 2));
        assertThat(tokens.toFloatArray()).containsExactly(1, 3, 2, 4);
        assertThat(ConvOps.fromTokens(tokens, 1, 2).toFloatArray()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void timestepEmbeddingFromThePublishedFormula() {
        // dim 4: half 2, freq = [1, exp(-ln(10000) / 2) = 0.01]; t = 2 -> args [2, 0.02]
        NDArray e = DiffusionOps.timestepEmbedding(m, new float[] {2, 0}, 4, true, 0f, 10000f);
        assertThat(e.getShape()).isEqualTo(new Shape(2, 4));
        assertThat(e.toFloatArray()).containsExactly(new float[] {-0.41614684f, 0.99980001f, 0.90929743f,
                0.019998667f, 1, 1, 0, 0}, within(1e-6f));
        // freq_shift 1: denominator half - 1 = 1, freq = [1, 1e-4]; not flipped: [sin, cos]
        NDArray shifted = DiffusionOps.timestepEmbedding(m, new float[] {2}, 4, false, 1f, 10000f);
        assertThat(shifted.toFloatArray()).containsExactly(new float[] {0.90929743f, 2e-4f, -0.41614684f, 1f},
                within(1e-6f));
    }

    @Test
    void exactGeluAndGeglu() {
        NDArray g = DiffusionOps.gelu(f(new float[] {1, -1, 0}, 3));
        assertThat(g.toFloatArray()).containsExactly(new float[] {0.84134475f, -0.15865525f, 0}, within(1e-6f));
        // hidden 2, gate 1 -> 2 * gelu(1)
        assertThat(DiffusionOps.geglu(f(new float[] {2, 1}, 1, 2)).toFloatArray())
                .containsExactly(new float[] {1.6826895f}, within(1e-6f));
    }
}
