package org.lorapipeline.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OpsTest {
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
    void normalisesNegativeAxesWhereDjlThrows() {
        assertThat(Ops.axis(-1, 3)).isEqualTo(2);
        assertThat(Ops.axis(1, 3)).isEqualTo(1);
        assertThatThrownBy(() -> Ops.axis(-4, 3)).hasMessageContaining("axis -4");
        NDArray x = m.arange(24f).reshape(2, 3, 4);
        // the DJL trap this guards: split with a negative axis throws ArrayIndexOutOfBounds
        assertThatThrownBy(() -> x.split(2, -1)).isInstanceOf(ArrayIndexOutOfBoundsException.class);
        assertThat(Ops.split(x, 2, -1).get(1).get("0,0").toFloatArray()).containsExactly(2f, 3f);
    }

    @Test
    void whereBroadcastsConditionAndBranches() {
        NDArray cond = m.create(new boolean[] {true, false, true});
        NDArray a = f(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        // DJL's own where rejects this shape mix
        assertThatThrownBy(() -> ai.djl.ndarray.NDArrays.where(cond, a, m.create(-1f)))
                .isInstanceOf(UnsupportedOperationException.class);
        NDArray r = Ops.where(cond, a, m.create(-1f));
        assertThat(r.getShape()).isEqualTo(new Shape(2, 3));
        assertThat(r.toFloatArray()).containsExactly(1, -1, 3, 4, -1, 6);
        assertThat(Ops.broadcastShape(new Shape(4, 1, 3), new Shape(2, 1))).isEqualTo(new Shape(4, 2, 3));
        assertThatThrownBy(() -> Ops.broadcastShape(new Shape(2, 3), new Shape(4))).hasMessageContaining("broadcast");
    }

    @Test
    void rmsNormMatchesHandValues() {
        // x = [3, 4]: mean(x^2) = 12.5, 1/sqrt(12.5) = 0.28284271; weight [1, 2]
        NDArray y = Ops.rmsNorm(f(new float[] {3, 4}, 1, 2), f(new float[] {1, 2}, 2), 0f);
        assertThat(y.toFloatArray()).containsExactly(new float[] {0.8485281f, 2.2627417f}, within(1e-6f));
        // eps is inside the root: x = [0, 0] stays finite
        assertThat(Ops.rmsNorm(f(new float[] {0, 0}, 1, 2), f(new float[] {1, 1}, 2), 1e-5f).toFloatArray())
                .containsExactly(0f, 0f);
    }

    @Test
    void siluAndLinearMatchHandValues() {
        assertThat(Ops.silu(f(new float[] {0, 1, -2}, 3)).toFloatArray())
                .containsExactly(new float[] {0f, 0.7310586f, -0.23840584f}, within(1e-6f));
        NDArray w = f(new float[] {1, 0, 2, 0, 1, 3}, 2, 3); // [out=2, in=3]
        NDArray x = f(new float[] {1, 2, 3}, 1, 1, 3);
        NDArray y = Ops.linear(x, w);
        assertThat(y.getShape()).isEqualTo(new Shape(1, 1, 2));
        assertThat(y.toFloatArray()).containsExactly(7f, 11f);
    }

    @Test
    void causalAttentionAveragesVisibleValues() {
        NDArray mask = Ops.causalMask(m, 3, 3);
        assertThat(mask.toFloatArray()).containsExactly(0f, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY,
                0f, 0f, Float.NEGATIVE_INFINITY, 0f, 0f, 0f);
        // q = 0 gives equal scores, so position i averages v[0..i]
        NDArray q = m.zeros(new Shape(1, 1, 3, 2));
        NDArray v = f(new float[] {1, 10, 2, 20, 6, 60}, 1, 1, 3, 2);
        NDArray out = Ops.attention(q, v, v, mask);
        assertThat(out.toFloatArray()).containsExactly(new float[] {1, 10, 1.5f, 15, 3, 30}, within(1e-5f));
        // scale 1/sqrt(d): q=[1,0], k=[[ln4*sqrt2, 0],[0,0]] -> weights 4:1 over two keys
        float s = (float) (Math.log(4) * Math.sqrt(2));
        NDArray q2 = f(new float[] {1, 0}, 1, 1, 1, 2);
        NDArray k2 = f(new float[] {s, 0, 0, 0}, 1, 1, 2, 2);
        NDArray v2 = f(new float[] {1, 0, 0, 1}, 1, 1, 2, 2);
        assertThat(Ops.attention(q2, k2, v2, null).toFloatArray())
                .containsExactly(new float[] {0.8f, 0.2f}, within(1e-5f));
    }

    @Test
    void repeatKvInterleavesHeadsLikeHf() {
        NDArray kv = f(new float[] {1, 2, 3, 4}, 1, 2, 1, 2); // heads h0=[1,2], h1=[3,4]
        assertThat(Ops.repeatKv(kv, 2).toFloatArray()).containsExactly(1, 2, 1, 2, 3, 4, 3, 4);
    }

    @Test
    void crossEntropyIgnoresMaskedRows() {
        NDArray logits = f(new float[] {0, 0, (float) Math.log(3), 0}, 2, 2);
        float both = Ops.crossEntropy(logits, new long[] {0, 1}, -100).getFloat();
        assertThat(both).isCloseTo((float) ((Math.log(2) + Math.log(4)) / 2), within(1e-6f));
        float second = Ops.crossEntropy(logits, new long[] {-100, 1}, -100).getFloat();
        assertThat(second).isCloseTo((float) Math.log(4), within(1e-6f));
        assertThatThrownBy(() -> Ops.crossEntropy(logits, new long[] {0, 2}, -100)).hasMessageContaining("vocab 2");
    }

    @Test
    void gradientsFlowThroughTheOpsButToTypeCutsThem() {
        NDArray w = f(new float[] {1, 2}, 2);
        w.setRequiresGradient(true);
        NDArray x = f(new float[] {3, 4}, 1, 2);
        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            gc.backward(Ops.rmsNorm(x, w, 0f).sum());
        }
        // d/dw sum(w * x/rms) = x/rms
        assertThat(w.getGradient().toFloatArray()).containsExactly(new float[] {0.8485281f, 1.1313709f},
                within(1e-6f));
        // the trap: a cast inside the graph leaves nothing to differentiate
        NDArray w2 = f(new float[] {1, 2}, 2);
        w2.setRequiresGradient(true);
        assertThatThrownBy(() -> {
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                gc.backward(w2.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).sum()
                        .toType(ai.djl.ndarray.types.DataType.FLOAT32, false));
            }
        }).hasMessageContaining("does not require grad");
    }

    @Test
    void dropoutKeepsExpectationAndIsIdentityWhenOff() {
        NDArray x = m.ones(new Shape(10000));
        assertThat(Ops.dropout(x, 0.5f, false)).isSameAs(x);
        float[] y = Ops.dropout(x, 0.5f, true).toFloatArray();
        int zeros = 0;
        for (float v : y) {
            assertThat(v).isIn(0f, 2f);
            zeros += v == 0f ? 1 : 0;
        }
        assertThat(zeros).isBetween(4700, 5300);
    }
}
