package org.lorapipeline.core.sd.sample;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.lorapipeline.core.config.PredictionType;
import org.lorapipeline.core.config.SampleSampler;
import org.lorapipeline.core.engine.Tensors;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.sd.SchedulerConfig;

/**
 * DDIM, Euler and Euler-ancestral trajectories with classifier-free guidance against
 * {@code sd-sample/make_scheduler_reference.py}, which implements the published scheduler math in float64 numpy with
 * the same closed-form denoiser, initial latents and ancestral noise.
 */
class SdSamplerSchedulerTest {
    /** out = 0.1 x + 0.01 t / 1000 + 0.05 c, c = the row's conditioning value. */
    static final Denoiser TOY = (x, t, ctx) -> {
        long b = x.getShape().get(0);
        NDArray c = ctx.reshape(b, -1).mean(new int[] {1}).reshape(b, 1, 1, 1);
        return x.mul(0.1f).add((float) (0.01 * t / 1000)).add(c.mul(0.05f));
    };

    /** 1 for a prompt, 0 for the empty negative prompt, as (B, 3, 2). */
    static PromptEncoder constantEncoder(NDManager m) {
        return prompts -> {
            float[] v = new float[prompts.size() * 6];
            for (int i = 0; i < prompts.size(); i++) {
                java.util.Arrays.fill(v, i * 6, i * 6 + 6, prompts.get(i).isEmpty() ? 0f : 1f);
            }
            return Tensors.create(m, v, prompts.size(), 3, 2);
        };
    }

    /** Call 0: sin(0.37 j + 0.1); call c >= 1: cos(0.91 j + 0.13 c). */
    static NoiseSource formulaNoise() {
        return new NoiseSource() {
            int calls;

            @Override
            public NDArray next(NDManager manager, Shape shape) {
                float[] v = new float[(int) shape.size()];
                for (int j = 0; j < v.length; j++) {
                    v[j] = (float) (calls == 0 ? Math.sin(0.37 * j + 0.1) : Math.cos(0.91 * j + 0.13 * calls));
                }
                calls++;
                return Tensors.create(manager, v, shape.getShape());
            }
        };
    }

    @Test
    void trajectoriesMatchThePublishedMath() throws Exception {
        JsonNode ref;
        try (InputStream in = getClass().getResourceAsStream("/sd-sample/schedulers.json")) {
            ref = new ObjectMapper().readTree(in);
        }
        assertThat(ref.get("cases")).hasSize(17);
        try (NDManager m = TorchRuntime.open("cpu").newManager()) {
            for (JsonNode c : ref.get("cases")) {
                String label = c.get("sampler").asText() + "/" + c.get("spacing").asText() + "/"
                        + c.get("prediction").asText() + "/cfg " + c.get("guidance").asDouble();
                PredictionType pred = c.get("prediction").asText().equals("epsilon") ? PredictionType.EPSILON
                        : PredictionType.V_PREDICTION;
                SdSampler sampler = new SdSampler(TOY, null, constantEncoder(m), SchedulerConfig.sd15(), pred, m, 4, 8,
                        TimestepSpacing.valueOf(c.get("spacing").asText().toUpperCase(Locale.ROOT)));
                SampleSampler kind = SampleSampler.valueOf(c.get("sampler").asText().toUpperCase(Locale.ROOT));
                assertThat(sampler.scheduler(kind, c.get("steps").asInt()).initNoiseSigma()).as(label)
                        .isCloseTo(c.get("init_noise_sigma").asDouble(), org.assertj.core.api.Assertions.within(1e-9));
                SamplePrompt p = new SamplePrompt("a cat", "", 32, 32, c.get("steps").asInt(),
                        c.get("guidance").asDouble(), 0);
                List<double[]> timesteps = new ArrayList<>();
                List<float[]> traj = new ArrayList<>();
                try (NDManager sm = m.newSubManager()) {
                    sampler.sampleLatents(sm, p, kind, formulaNoise(), (i, t, x) -> {
                        timesteps.add(new double[] {t});
                        traj.add(x.toFloatArray());
                    });
                }
                JsonNode expected = c.get("trajectory");
                assertThat(traj).as(label).hasSize(expected.size());
                for (int i = 0; i < traj.size(); i++) {
                    assertThat(timesteps.get(i)[0]).as(label + " t" + i)
                            .isCloseTo(c.get("timesteps").get(i).asDouble(), org.assertj.core.api.Assertions.within(1e-9));
                    float[] got = traj.get(i);
                    JsonNode want = expected.get(i);
                    assertThat(got).hasSize(want.size());
                    for (int j = 0; j < got.length; j++) {
                        double w = want.get(j).asDouble();
                        assertThat(Math.abs(got[j] - w)).as("%s step %d [%d]: %s vs %s", label, i, j, got[j], w)
                                .isLessThanOrEqualTo(1e-5 * Math.max(1, Math.abs(w)));
                    }
                }
            }
        }
    }
}
