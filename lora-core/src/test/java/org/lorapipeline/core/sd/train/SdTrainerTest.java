package org.lorapipeline.core.sd.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.clip.ClipTokenizerLocator;
import org.lorapipeline.core.engine.Tensors;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.lora.LoraConfig;
import org.lorapipeline.core.lora.LoraModel;
import org.lorapipeline.core.sd.NoiseSchedule;
import org.lorapipeline.core.sd.SchedulerConfig;
import org.lorapipeline.core.sd.vae.LatentDistribution;
import org.lorapipeline.core.train.StepResult;
import org.lorapipeline.core.train.TrainOptions;

/** The denoiser step on the tiny model: it learns, and its loss terms follow the published formulas. */
class SdTrainerTest {
    @TempDir
    static Path tmp;
    static NDManager root;
    static SdModels models;

    @BeforeAll
    static void load() throws Exception {
        Path dir = TinySd.diffusers(tmp.resolve("tiny"), 3);
        root = TorchRuntime.open("cpu").newManager();
        models = SdModels.load(dir, null, root, new ClipTokenizerLocator(Map.of(), tmp));
    }

    @AfterAll
    static void close() {
        models.close();
        root.close();
    }

    private static LatentBatch batch(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] z = new float[2 * 4 * 8 * 8];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        long[][] ids = models.tokenizer().encodeBatch(List.of("a photo of a cat", "ink wash, neon lights"));
        return new LatentBatch(z, new long[] {2, 4, 8, 8}, ids);
    }

    private static SdTrainer trainer(LoraModel lora, boolean v, double gamma, boolean text) {
        return new SdTrainer(models.unet(), models.textEncoder(), lora, new NoiseSchedule(SchedulerConfig.sd15()), v,
                new SdTrainOptions(new TrainOptions(0, 0.9, 0.999, 1e-8, 1.0, 7), 0.05, gamma, text));
    }

    @Test
    void lossFallsOnAFixedBatchAndDraw() {
        LoraModel lora = LoraModel.inject(SdLoraTargets.linears(models.unet().linears(), null),
                new LoraConfig(4, 4, 0, SdLoraTargets.expand(List.of("Transformer2DModel"), false), false),
                models.unet().manager(), 1);
        SdTrainer t = trainer(lora, false, 0, false);
        LatentBatch b = batch(11);
        List<Double> losses = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            StepResult r = t.step(List.of(b), 3e-2, 0, 99); // same noise and timesteps every step
            losses.add(r.loss());
        }
        double first = (losses.get(0) + losses.get(1) + losses.get(2)) / 3;
        double last = (losses.get(9) + losses.get(10) + losses.get(11)) / 3;
        // the adapters fit this one draw: a real drop, far beyond the step-to-step wobble of a fixed input
        assertThat(last).as("losses %s", losses).isLessThan(0.5 * first);
        assertThat(t.optimizerSteps()).as("no step skipped").isEqualTo(12L);
    }

    @Test
    void minSnrWeightsFollowTheFormulaForEpsilonAndV() {
        LoraModel lora = LoraModel.inject(SdLoraTargets.linears(models.unet().linears(), null),
                new LoraConfig(2, 2, 0, List.of("to_q"), false), models.unet().manager(), 1);
        int[] t = {0, 10, 250, 500, 999};
        // alpha-bar from the scaled_linear betas written out independently: beta_i = (sqrt(b0) + i/999 (sqrt(b1) - sqrt(b0)))^2
        double[] abar = new double[1000];
        double prod = 1;
        for (int i = 0; i < 1000; i++) {
            double s = Math.sqrt(0.00085) + i / 999.0 * (Math.sqrt(0.012) - Math.sqrt(0.00085));
            prod *= 1 - s * s;
            abar[i] = prod;
        }
        float[] eps = trainer(lora, false, 5, false).snrWeights(t);
        float[] v = trainer(lora, true, 5, false).snrWeights(t);
        for (int i = 0; i < t.length; i++) {
            double snr = abar[t[i]] / (1 - abar[t[i]]);
            assertThat((double) eps[i]).isCloseTo(Math.min(snr, 5) / snr, within(1e-5));
            assertThat((double) v[i]).isCloseTo(Math.min(snr, 5) / (snr + 1), within(1e-5));
        }
        assertThat(eps[0]).isLessThan(0.01f); // t = 0: SNR is huge, the weight tiny
        assertThat(eps[4]).isEqualTo(1f); // t = 999: SNR < 5, weight 1
    }

    @Test
    void vPredictionTargetIsSqrtAbarNoiseMinusSqrtOneMinusAbarLatents() {
        NoiseSchedule s = new NoiseSchedule(SchedulerConfig.sd15());
        try (NDManager m = root.newSubManager()) {
            NDArray x0 = LatentDistribution.gaussian(m, 1, 2, 4, 2, 2);
            NDArray noise = LatentDistribution.gaussian(m, 2, 2, 4, 2, 2);
            int[] t = {3, 800};
            float[] v = s.velocity(x0, noise, t).toFloatArray();
            float[] x = x0.toFloatArray();
            float[] n = noise.toFloatArray();
            for (int i = 0; i < v.length; i++) {
                double a = s.alphaCumprod(t[i / 16]);
                assertThat((double) v[i]).isCloseTo(Math.sqrt(a) * n[i] - Math.sqrt(1 - a) * x[i], within(1e-5));
            }
            float[] noisy = s.addNoise(x0, noise, t).toFloatArray();
            double a = s.alphaCumprod(800);
            assertThat((double) noisy[20]).isCloseTo(Math.sqrt(a) * x[20] + Math.sqrt(1 - a) * n[20], within(1e-5));
            assertThat(Tensors.shape(s.velocity(x0, noise, t))).containsExactly(2, 4, 2, 2);
        }
    }
}
