package org.lorapipeline.core.sd.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.lorapipeline.core.clip.ClipTextModel;
import org.lorapipeline.core.engine.Gradients;
import org.lorapipeline.core.engine.Ops;
import org.lorapipeline.core.engine.Tensors;
import org.lorapipeline.core.lora.LoraModel;
import org.lorapipeline.core.sd.NoiseSchedule;
import org.lorapipeline.core.sd.unet.UNet2DConditionModel;
import org.lorapipeline.core.sd.vae.LatentDistribution;
import org.lorapipeline.core.train.AdamW;
import org.lorapipeline.core.train.GradClip;
import org.lorapipeline.core.train.StepResult;
import org.lorapipeline.core.train.TrainOptions;

/**
 * Trains the LoRA layers of a Stable Diffusion UNet (and optionally its CLIP text encoder) on the denoising loss,
 * as kohya's {@code train_network.py} does: per micro-batch, noise (plus {@code noise_offset} per channel), uniform
 * integer timesteps in [0, T), the DDPM forward process, the UNet's prediction against epsilon or v, MSE per sample,
 * min-SNR-gamma weights, mean; gradients accumulated over the micro-batches of a step (each scaled by 1/n, as
 * Accelerate does), clipped by global norm, then AdamW with separate learning rates for UNet and text encoder.
 *
 * <p>Noise and timesteps come from a Java generator seeded per micro-batch, so CPU runs reproduce exactly and a
 * resumed run draws what the uninterrupted one would have. Each micro-batch runs in its own {@link NDScope}.
 */
public final class SdTrainer {
    private final UNet2DConditionModel unet;
    private final ClipTextModel textEncoder;
    private final LoraModel lora;
    private final NoiseSchedule schedule;
    private final boolean vPrediction;
    private final SdTrainOptions options;
    private final AdamW unetOptimizer;
    private final AdamW textOptimizer;
    private final Map<String, NDArray> unetParams = new LinkedHashMap<>();
    private final Map<String, NDArray> textParams = new LinkedHashMap<>();
    private final NDManager state;

    /**
     * @param textEncoder null only for UNet-alone benchmarks (zero text states, not trained)
     * @param lora        adapters over {@link SdLoraTargets#linears} (module names prefixed unet./text_encoder.)
     * @param vPrediction train against v = sqrt(a) noise - sqrt(1 - a) x0 instead of the noise
     */
    public SdTrainer(UNet2DConditionModel unet, ClipTextModel textEncoder, LoraModel lora, NoiseSchedule schedule,
                     boolean vPrediction, SdTrainOptions options) {
        this.unet = unet;
        this.textEncoder = textEncoder;
        this.lora = lora;
        this.schedule = schedule;
        this.vPrediction = vPrediction;
        this.options = options;
        TrainOptions o = options.optimizer();
        this.unetOptimizer = new AdamW(o.beta1(), o.beta2(), o.epsilon(), o.weightDecay());
        this.textOptimizer = new AdamW(o.beta1(), o.beta2(), o.epsilon(), o.weightDecay());
        lora.parameters().forEach((k, v) -> (isTextEncoder(k) ? textParams : unetParams).put(k, v));
        if (!textParams.isEmpty() && !options.trainTextEncoder()) {
            throw new IllegalArgumentException("text encoder adapters given but train_text_encoder is false");
        }
        this.state = unet.manager().newSubManager();
        unet.manager().getEngine().setRandomSeed((int) o.seed());
    }

    static boolean isTextEncoder(String parameterKey) {
        return parameterKey.startsWith(LoraModel.PEFT_PREFIX + SdLoraTargets.TEXT_ENCODER);
    }

    public LoraModel lora() {
        return lora;
    }

    /** Optimizer steps taken (the UNet group's; both groups always step together). */
    public long optimizerSteps() {
        return unetOptimizer.stepCount();
    }

    /** Both groups' first moments by parameter key (for checkpoints). */
    public Map<String, NDArray> firstMoments() {
        Map<String, NDArray> m = new LinkedHashMap<>(unetOptimizer.firstMoments());
        m.putAll(textOptimizer.firstMoments());
        return m;
    }

    /** Both groups' second moments by parameter key (for checkpoints). */
    public Map<String, NDArray> secondMoments() {
        Map<String, NDArray> v = new LinkedHashMap<>(unetOptimizer.secondMoments());
        v.putAll(textOptimizer.secondMoments());
        return v;
    }

    /** Puts saved optimizer state back (resume); moments by the same keys as {@link LoraModel#parameters()}. */
    public void restoreOptimizer(long step, Map<String, float[]> first, Map<String, float[]> second) {
        unetOptimizer.restore(step, first, second, unetParams, state);
        if (!textParams.isEmpty()) {
            textOptimizer.restore(step, first, second, textParams, state);
        }
    }

    /** Reseeds the engine's generator (LoRA dropout); the run seeds each step from (seed, step) for exact resume. */
    public void reseed(long seed) {
        unet.manager().getEngine().setRandomSeed((int) (seed ^ (seed >>> 32)));
    }

    /**
     * One optimizer step.
     *
     * @param microBatches    accumulated into this step
     * @param unetLr          this step's UNet learning rate
     * @param textEncoderLr   this step's text encoder learning rate (unused when it is not trained)
     * @param noiseSeed       seeds the noise and timesteps of the step's micro-batches
     */
    public StepResult step(List<LatentBatch> microBatches, double unetLr, double textEncoderLr, long noiseSeed) {
        if (microBatches.isEmpty()) {
            throw new IllegalArgumentException("a step needs at least one micro-batch");
        }
        Engine engine = unet.manager().getEngine();
        double lossSum = 0;
        long images = 0;
        for (int i = 0; i < microBatches.size(); i++) {
            LatentBatch b = microBatches.get(i);
            NoiseDraw draw = NoiseDraw.of(noiseSeed * 31 + i, b.size(), schedule.numTrainTimesteps());
            try (NDScope scope = new NDScope(); NDManager m = unet.manager().newSubManager()) {
                NDArray ids = Tensors.ids(m, b.ids());
                // a frozen text encoder runs before the collector opens, so it records no graph
                NDArray context = options.trainTextEncoder() ? null : textStates(m, ids);
                try (GradientCollector gc = engine.newGradientCollector()) {
                    if (context == null) {
                        context = textEncoder.encode(ids, 0, true); // (B, 77, H)
                    }
                    NDArray loss = loss(m, b, draw, context, true);
                    lossSum += loss.getFloat();
                    gc.backward(Ops.scale(loss, 1f / microBatches.size())); // Ops.scale: autograd keeps its scalar alive
                }
                images += b.size();
                scope.suppressNotUsedWarning();
            }
        }
        double loss = lossSum / microBatches.size();
        double norm;
        boolean skipped;
        try (NDScope scope = new NDScope()) {
            Map<String, NDArray> grads = new LinkedHashMap<>();
            lora.parameters().forEach((k, p) -> grads.put(k, p.getGradient()));
            norm = GradClip.clipByGlobalNorm(grads, options.optimizer().maxGradNorm());
            // a NaN/Inf loss or gradient would poison the weights and both moments for good: drop the step instead
            skipped = !Double.isFinite(loss) || !Double.isFinite(norm);
            if (!skipped) {
                unetOptimizer.update(unetParams, grads, unetLr, state);
                if (!textParams.isEmpty()) {
                    textOptimizer.update(textParams, grads, textEncoderLr, state);
                }
            }
            lora.parameters().values().forEach(Gradients::zero);
            scope.suppressNotUsedWarning();
        }
        return new StepResult(unetOptimizer.stepCount(), loss, norm, unetLr, images, skipped);
    }

    /** Frozen text states; zeros without a text encoder (benchmarks time the UNet step alone). */
    private NDArray textStates(NDManager m, NDArray ids) {
        if (textEncoder == null) {
            return m.zeros(new ai.djl.ndarray.types.Shape(ids.getShape().get(0), ids.getShape().get(1),
                    unet.config().crossAttentionDim()));
        }
        return textEncoder.encode(ids, 0, false);
    }

    /**
     * The weighted denoising loss of one micro-batch (a scalar): mean over samples of w_t * mean((pred - target)^2),
     * w_t the min-SNR-gamma weight (1 when off).
     */
    NDArray loss(NDManager m, LatentBatch b, NoiseDraw draw, NDArray context, boolean training) {
        long[] s = b.shape();
        NDArray x0 = Tensors.create(m, b.latents(), s); // (B, C, h, w)
        NDArray noise = LatentDistribution.gaussian(m, draw.noiseSeed(), s);
        if (options.noiseOffset() > 0) {
            // kohya's apply_noise_offset: one extra N(0, 1) per sample and channel, broadcast over the pixels
            noise = noise.add(LatentDistribution.gaussian(m, draw.offsetSeed(), s[0], s[1], 1, 1)
                    .mul((float) options.noiseOffset()));
        }
        int[] t = draw.timesteps();
        NDArray noisy = schedule.addNoise(x0, noise, t);
        NDArray target = vPrediction ? schedule.velocity(x0, noise, t) : noise;
        float[] tf = new float[t.length];
        for (int i = 0; i < t.length; i++) {
            tf[i] = t[i];
        }
        NDArray pred = unet.forward(noisy, tf, context, training); // (B, C, h, w)
        NDArray perSample = pred.sub(target).square().reshape(s[0], -1).mean(new int[] {1}); // (B)
        if (options.minSnrGamma() > 0) {
            perSample = perSample.mul(Tensors.create(m, snrWeights(t), t.length));
        }
        return perSample.mean();
    }

    /** kohya's {@code apply_snr_weight} per sample: min(SNR_t, gamma) / SNR_t, or / (SNR_t + 1) for v-prediction. */
    float[] snrWeights(int[] timesteps) {
        float[] w = new float[timesteps.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) schedule.minSnrWeight(timesteps[i], options.minSnrGamma(), vPrediction);
        }
        return w;
    }

    /**
     * What a micro-batch draws: integer timesteps uniform in [0, T) and the seeds of its noise and offset noise.
     */
    record NoiseDraw(int[] timesteps, long noiseSeed, long offsetSeed) {
        static NoiseDraw of(long seed, int batch, int numTimesteps) {
            SplittableRandom rng = new SplittableRandom(seed);
            int[] t = new int[batch];
            for (int i = 0; i < batch; i++) {
                t[i] = rng.nextInt(numTimesteps);
            }
            return new NoiseDraw(t, rng.nextLong(), rng.nextLong());
        }
    }
}
