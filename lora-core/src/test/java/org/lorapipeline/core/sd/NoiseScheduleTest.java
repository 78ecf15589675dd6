package org.lorapipeline.core.sd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.lorapipeline.core.engine.Tensors;
import org.lorapipeline.core.engine.TorchRuntime;

class NoiseScheduleTest {
    private final NoiseSchedule s = new NoiseSchedule(SchedulerConfig.sd15());

    @Test
    void scaledLinearBetasFromTheFormula() {
        // beta_t = (sqrt(0.00085) + t/999 (sqrt(0.012) - sqrt(0.00085)))^2
        assertThat(s.beta(0)).isCloseTo(0.00085, within(1e-15));
        assertThat(s.beta(1)).isCloseTo(0.0008546986554056862, within(1e-15));
        assertThat(s.beta(999)).isCloseTo(0.012, within(1e-15));
        // alpha-bar_1 = (1 - beta_0)(1 - beta_1)
        assertThat(s.alphaCumprod(0)).isCloseTo(0.99915, within(1e-15));
        assertThat(s.alphaCumprod(1)).isCloseTo(0.99915 * (1 - 0.0008546986554056862), within(1e-15));
        assertThatThrownBy(() -> s.beta(1000)).hasMessageContaining("timestep 1000");
    }

    @Test
    void scheduleMatchesTheTorchReference() {
        JsonNode r = SdReference.json();
        for (int i = 0; i < r.get("schedule_probe").size(); i++) {
            int t = r.get("schedule_probe").get(i).asInt();
            assertThat(s.beta(t)).isCloseTo(r.get("betas").get(i).asDouble(), within(1e-12));
            assertThat(s.alphaCumprod(t)).isCloseTo(r.get("alphas_cumprod").get(i).asDouble(), within(1e-12));
        }
    }

    @Test
    void snrAndMinSnrWeights() {
        // SNR_0 = 0.99915 / 0.00085
        assertThat(s.snr(0)).isCloseTo(1175.4705882352941, within(1e-9));
        assertThat(s.minSnrWeight(0, 5, false)).isCloseTo(5 / 1175.4705882352941, within(1e-12));
        assertThat(s.minSnrWeight(0, 5, true)).isCloseTo(5 / 1176.4705882352941, within(1e-12));
        // at t = 999 the SNR (~0.00468) is below gamma: weight 1 for epsilon, SNR / (SNR + 1) for v
        double snr = s.snr(999);
        assertThat(s.minSnrWeight(999, 5, false)).isEqualTo(1.0);
        assertThat(s.minSnrWeight(999, 5, true)).isCloseTo(snr / (snr + 1), within(1e-15));
        assertThatThrownBy(() -> s.minSnrWeight(0, 0, false)).hasMessageContaining("min_snr_gamma");
    }

    @Test
    void addNoiseAndVelocityPerRow() {
        try (NDManager m = TorchRuntime.open("cpu").newManager()) {
            NDArray x0 = Tensors.create(m, new float[] {1, 1, 0, 3}, 2, 1, 1, 2);
            NDArray noise = Tensors.create(m, new float[] {2, 2, 1, 0}, 2, 1, 1, 2);
            int[] t = {0, 999};
            // row 0 at t=0: sqrt(0.99915) * 1 + sqrt(0.00085) * 2
            float[] noisy = s.addNoise(x0, noise, t).toFloatArray();
            assertThat(noisy[0]).isCloseTo(1.0578844285975497f, within(1e-6f));
            double a = s.alphaCumprod(999);
            assertThat(noisy[2]).isCloseTo((float) Math.sqrt(1 - a), within(1e-6f));
            assertThat(noisy[3]).isCloseTo((float) (3 * Math.sqrt(a)), within(1e-6f));
            float[] v = s.velocity(x0, noise, t).toFloatArray();
            assertThat(v[0]).isCloseTo(1.969995059823967f, within(1e-6f));
            assertThat(v[3]).isCloseTo((float) (-3 * Math.sqrt(1 - a)), within(1e-6f));
            assertThat(s.target(x0, noise, t).toFloatArray()).containsExactly(2, 2, 1, 0);
            NoiseSchedule vPred = new NoiseSchedule(new SchedulerConfig(1000, 0.00085, 0.012, "scaled_linear",
                    "v_prediction"));
            assertThat(vPred.target(x0, noise, t).toFloatArray()).containsExactly(v);
            assertThatThrownBy(() -> s.addNoise(x0, noise, new int[] {1})).hasMessageContaining("batch of 2");
        }
    }

    @Test
    void linearScheduleAndValidation() {
        NoiseSchedule lin = new NoiseSchedule(new SchedulerConfig(11, 0.001, 0.011, "linear", "epsilon"));
        assertThat(lin.beta(5)).isCloseTo(0.006, within(1e-15));
        assertThatThrownBy(() -> new SchedulerConfig(1000, 0.02, 0.01, "linear", "epsilon"))
                .hasMessageContaining("beta_start");
        assertThatThrownBy(() -> new SchedulerConfig(1000, 0.001, 0.01, "squaredcos_cap_v2", "epsilon"))
                .hasMessageContaining("beta_schedule squaredcos_cap_v2");
        assertThatThrownBy(() -> new SchedulerConfig(1000, 0.001, 0.01, "linear", "sample"))
                .hasMessageContaining("prediction_type sample");
    }
}
