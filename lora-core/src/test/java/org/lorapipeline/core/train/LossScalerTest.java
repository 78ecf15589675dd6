package org.lorapipeline.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lorapipeline.core.engine.Tensors;
import org.lorapipeline.core.engine.TorchRuntime;

class LossScalerTest {

    @Test
    void defaultsAreGradScalers() {
        LossScaler s = LossScaler.dynamic();
        assertThat(s.scale()).isEqualTo(65536f);
        // 1999 clean steps keep the scale, the 2000th doubles it and restarts the count
        for (int i = 0; i < 1999; i++) {
            s.update(false);
        }
        assertThat(s.scale()).isEqualTo(65536f);
        assertThat(s.growthTracker()).isEqualTo(1999);
        s.update(false);
        assertThat(s.scale()).isEqualTo(131072f);
        assertThat(s.growthTracker()).isZero();
        s.update(true);
        assertThat(s.scale()).isEqualTo(65536f);
    }

    @Test
    void followsAHandComputedSequence() {
        // growth_interval 3, init 8: (found_inf -> scale, tracker) worked out from GradScaler's update rule
        LossScaler s = LossScaler.dynamic(8f, 2f, 0.5f, 3);
        boolean[] inf = {false, false, false, true, false, true, true, false, false, false, false};
        float[] scale = {8, 8, 16, 8, 8, 4, 2, 2, 2, 4, 4};
        int[] tracker = {1, 2, 0, 0, 1, 0, 0, 1, 2, 0, 1};
        for (int i = 0; i < inf.length; i++) {
            s.update(inf[i]);
            assertThat(s.scale()).as("scale after update %d", i).isEqualTo(scale[i]);
            assertThat(s.growthTracker()).as("tracker after update %d", i).isEqualTo(tracker[i]);
        }
    }

    @Test
    void growthStopsBeforeInfinity() {
        LossScaler s = LossScaler.dynamic(0x1p127f, 2f, 0.5f, 1);
        s.update(false);
        assertThat(s.scale()).isEqualTo(0x1p127f); // 2^128 is not a float: GradScaler keeps the old scale
        assertThat(s.growthTracker()).isZero();
    }

    @Test
    void unscalesInPlaceAndFindsOverflow() {
        try (NDManager m = TorchRuntime.open("cpu").newManager()) {
            LossScaler s = LossScaler.dynamic(1024f, 2f, 0.5f, 2000);
            Map<String, NDArray> grads = new LinkedHashMap<>();
            grads.put("a", Tensors.create(m, new float[] {1024f, -512f, 3f}, 3));
            grads.put("b", Tensors.create(m, new float[] {2048f}, 1));
            assertThat(s.unscale(grads)).isFalse();
            assertThat(grads.get("a").toFloatArray()).containsExactly(1f, -0.5f, 3f / 1024f);
            assertThat(grads.get("b").toFloatArray()).containsExactly(2f);

            grads.put("c", Tensors.create(m, new float[] {1f, Float.POSITIVE_INFINITY}, 2));
            assertThat(s.unscale(grads)).isTrue();
            grads.put("c", Tensors.create(m, new float[] {Float.NaN}, 1));
            assertThat(s.unscale(grads)).isTrue();
        }
    }

    @Test
    void disabledScalerIsTheIdentity() {
        try (NDManager m = TorchRuntime.open("cpu").newManager()) {
            LossScaler s = LossScaler.disabled();
            NDArray g = Tensors.create(m, new float[] {5f}, 1);
            assertThat(s.unscale(Map.of("g", g))).isFalse();
            assertThat(g.toFloatArray()).containsExactly(5f);
            s.update(true);
            assertThat(s.scale()).isEqualTo(1f);
            assertThat(s.state()).isNull();
        }
    }

    @Test
    void stateRoundTripsAndIsValidated() {
        LossScaler s = LossScaler.dynamic(8f, 2f, 0.5f, 3);
        s.update(false);
        s.update(true);
        s.update(false);
        LossScaler.State saved = s.state();
        assertThat(saved).isEqualTo(new LossScaler.State(4f, 1));
        LossScaler resumed = LossScaler.dynamic(8f, 2f, 0.5f, 3);
        resumed.restore(saved);
        for (boolean inf : new boolean[] {false, false, true, false}) {
            s.update(inf);
            resumed.update(inf);
            assertThat(resumed.state()).isEqualTo(s.state());
        }
        assertThatThrownBy(() -> new LossScaler.State(0f, 0)).hasMessageContaining("loss scale");
        assertThatThrownBy(() -> new LossScaler.State(2f, -1)).hasMessageContaining("growth tracker");
        assertThatThrownBy(() -> LossScaler.dynamic(8f, 1f, 0.5f, 3)).hasMessageContaining("growth_factor");
    }
}
