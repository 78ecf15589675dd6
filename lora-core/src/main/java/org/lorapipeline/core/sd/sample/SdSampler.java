package org.lorapipeline.core.sd.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.util.List;
import org.lorapipeline.core.config.PredictionType;
import org.lorapipeline.core.config.SampleSampler;
import org.lorapipeline.core.engine.Gradients;
import org.lorapipeline.core.sd.NoiseSchedule;
import org.lorapipeline.core.sd.SchedulerConfig;
import org.lorapipeline.core.sd.unet.UNet2DConditionModel;
import org.lorapipeline.core.sd.vae.AutoencoderKL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Preview images during training, as diffusers' StableDiffusionPipeline makes them: Gaussian latents times the
 * scheduler's init_noise_sigma, classifier-free guidance over [negative, prompt] (uncond = the negative prompt or
 * ""; off when the scale is 1 or less), DDIM / Euler / Euler-ancestral steps, then VAE decode of
 * latents / scaling_factor, mapped from [-1, 1] to 8-bit RGB. Each sample runs in its own NDScope with autograd off,
 * so memory stays flat and the training graph is untouched. Timesteps use SD 1.5's scheduler config
 * ("leading" spacing, steps_offset 1) unless {@link #withSpacing} says otherwise.
 *
 * <p>kohya's sampler differs in two ways users may notice: it draws noise with torch's generator (so the same seed
 * gives another image here) and turns on DDIM's clip_sample; this follows diffusers' SD 1.5 config instead.
 */
public final class SdSampler {
    private static final Logger log = LoggerFactory.getLogger(SdSampler.class);
    public static final int STEPS_OFFSET = 1;

    private final Denoiser denoiser;
    private final AutoencoderKL vae;
    private final PromptEncoder encoder;
    private final NoiseSchedule schedule;
    private final boolean vPrediction;
    private final NDManager manager;
    private final int latentChannels;
    private final int downscale;
    private final int sizeMultiple;
    private final TimestepSpacing spacing;

    /** Samples with the UNet (its current LoRA included) and decodes with the VAE. */
    public SdSampler(UNet2DConditionModel unet, AutoencoderKL vae, PromptEncoder encoder, SchedulerConfig schedule,
                     PredictionType predictionType) {
        this((x, t, ctx) -> unet.forward(x, new float[] {(float) t}, ctx, false), vae, encoder, schedule,
                predictionType, unet.manager(), unet.config().inChannels(),
                vae.config().downscale() * (1 << (unet.config().blockOutChannels().size() - 1)),
                TimestepSpacing.LEADING);
    }

    /**
     * Samples with any denoiser (tests use closed-form ones).
     *
     * @param vae            null: only {@link #sampleLatents} can be used; latents are then 1/8 of the image size
     * @param manager        parent of each sample's scope
     * @param latentChannels channels of the latents the denoiser takes
     * @param sizeMultiple   image sizes are rounded down to a multiple of this (VAE factor x UNet factor)
     */
    public SdSampler(Denoiser denoiser, AutoencoderKL vae, PromptEncoder encoder, SchedulerConfig schedule,
                     PredictionType predictionType, NDManager manager, int latentChannels, int sizeMultiple,
                     TimestepSpacing spacing) {
        this.denoiser = denoiser;
        this.vae = vae;
        this.encoder = encoder;
        this.schedule = new NoiseSchedule(schedule);
        this.vPrediction = predictionType == PredictionType.V_PREDICTION;
        this.manager = manager;
        this.latentChannels = latentChannels;
        this.downscale = vae == null ? 8 : vae.config().downscale();
        this.sizeMultiple = sizeMultiple;
        this.spacing = spacing;
    }

    /** The same sampler with another timestep spacing (e.g. TRAILING for zero-terminal-SNR models). */
    public SdSampler withSpacing(TimestepSpacing s) {
        return new SdSampler(denoiser, vae, encoder, schedule.config(), vPrediction ? PredictionType.V_PREDICTION
                : PredictionType.EPSILON, manager, latentChannels, sizeMultiple, s);
    }

    /** One image for {@code p}, noise from {@code p.seed()}. */
    public BufferedImage sample(SamplePrompt p, SampleSampler kind) {
        if (vae == null) {
            throw new IllegalStateException("this sampler has no VAE; use sampleLatents");
        }
        long started = System.nanoTime();
        BufferedImage image = Gradients.withoutGrad(() -> {
            try (NDManager m = manager.newSubManager(); NDScope scope = new NDScope()) {
                NDArray latents = sampleLatents(m, p, kind, new GaussianNoise(p.seed()), null);
                NDArray decoded = vae.decodeLatents(latents); // (1, 3, H, W) about [-1, 1]
                return toImage(decoded);
            }
        });
        log.info("sample '{}' {}x{} {} steps {} cfg {} seed {} in {} ms", p.prompt(), image.getWidth(),
                image.getHeight(), p.steps(), kind.yamlName(), p.guidanceScale(), p.seed(),
                (System.nanoTime() - started) / 1_000_000);
        return image;
    }

    /** Receives the latents after each step (tests compare trajectories). */
    @FunctionalInterface
    public interface StepListener {
        void afterStep(int step, double timestep, NDArray latents);
    }

    /**
     * The denoising loop alone: (1, C, H / f, W / f) latents in {@code m}. The caller scopes memory and autograd.
     *
     * @param listener nullable
     */
    public NDArray sampleLatents(NDManager m, SamplePrompt p, SampleSampler kind, NoiseSource noise,
                                 StepListener listener) {
        int width = roundDown(p.width());
        int height = roundDown(p.height());
        DiffusionScheduler scheduler = scheduler(kind, p.steps());
        boolean cfg = p.guidanceScale() > 1;
        NDArray context = cfg ? encoder.encode(List.of(p.negativePrompt(), p.prompt())) // (2, 77, D): uncond, cond
                : encoder.encode(List.of(p.prompt()));
        context.attach(m);
        Shape shape = new Shape(1, latentChannels, height / downscale, width / downscale);
        NDArray x = noise.next(m, shape).mul((float) scheduler.initNoiseSigma());
        double[] ts = scheduler.timesteps();
        for (int i = 0; i < ts.length; i++) {
            NDArray in = scheduler.scaleModelInput(cfg ? NDArrays.concat(new NDList(x, x), 0) : x, i);
            NDArray out = denoiser.predict(in, ts[i], context);
            if (cfg) {
                NDList split = out.split(2, 0); // uncond, cond
                out = split.get(0).add(split.get(1).sub(split.get(0)).mul((float) p.guidanceScale()));
            }
            x = scheduler.step(out, i, x, noise);
            if (listener != null) {
                listener.afterStep(i, ts[i], x);
            }
        }
        return x;
    }

    /** The scheduler {@code kind} uses for {@code steps} steps with this sampler's spacing. */
    public DiffusionScheduler scheduler(SampleSampler kind, int steps) {
        return switch (kind) {
            case DDIM -> new DdimScheduler(schedule, vPrediction, steps, spacing, STEPS_OFFSET);
            case EULER -> new EulerScheduler(schedule, vPrediction, false, steps, spacing, STEPS_OFFSET);
            case EULER_A -> new EulerScheduler(schedule, vPrediction, true, steps, spacing, STEPS_OFFSET);
        };
    }

    /** kohya rounds sizes down to a multiple of 8 (at least 64); the tiny models need their own multiple. */
    private int roundDown(int size) {
        return Math.max(sizeMultiple, size - size % sizeMultiple);
    }

    /** (1, 3, H, W) in [-1, 1] -> RGB, as diffusers' postprocess: (x / 2 + 0.5).clamp(0, 1) * 255, rounded. */
    static BufferedImage toImage(NDArray decoded) {
        Shape s = decoded.getShape();
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        float[] v = decoded.toFloatArray();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int at = y * w + x;
                img.setRGB(x, y, (channel(v[at]) << 16) | (channel(v[plane + at]) << 8) | channel(v[2 * plane + at]));
            }
        }
        return img;
    }

    private static int channel(float value) {
        double unit = Math.min(1, Math.max(0, value / 2.0 + 0.5));
        return (int) Math.rint(unit * 255);
    }
}
