package org.lorapipeline.core.sd.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.lorapipeline.core.engine.ConvOps;
import org.lorapipeline.core.engine.Ops;
import org.lorapipeline.core.sd.Conv2dLayer;
import org.lorapipeline.core.sd.GroupNormLayer;
import org.lorapipeline.core.sd.ResnetBlock2D;
import org.lorapipeline.core.sd.SdWeights;

/**
 * Stable Diffusion's VAE, diffusers {@code AutoencoderKL}, frozen, with weights named as in its
 * {@code diffusion_pytorch_model.safetensors}. The encoder halves the resolution once per block but the last (the
 * downsampler pads right and bottom by one, then a stride-2 3x3 conv); the decoder mirrors it with nearest-x2 + conv
 * upsamplers. Config-driven, so tiny test VAEs and SD 1.5's run the same code.
 */
public final class AutoencoderKL implements AutoCloseable {
    private final VaeConfig config;
    private final NDManager manager;
    private final Coder encoder;
    private final Conv2dLayer quantConv;
    private final Conv2dLayer postQuantConv;
    private final Coder decoder;

    /** Encoder or decoder: conv_in, resize blocks (before the mid block for the encoder, after for the decoder). */
    private record Coder(Conv2dLayer convIn, List<Stage> stages, VaeMidBlock mid, GroupNormLayer normOut,
                         Conv2dLayer convOut) {}

    /** One down/up block: resnets, then a resampling conv (null on the last block). */
    private record Stage(List<ResnetBlock2D> resnets, Conv2dLayer resample) {}

    private AutoencoderKL(VaeConfig config, NDManager manager, Coder encoder, Conv2dLayer quantConv,
                          Conv2dLayer postQuantConv, Coder decoder) {
        this.config = config;
        this.manager = manager;
        this.encoder = encoder;
        this.quantConv = quantConv;
        this.postQuantConv = postQuantConv;
        this.decoder = decoder;
    }

    public static AutoencoderKL create(VaeConfig c, SdWeights w) {
        List<Integer> ch = c.blockOutChannels();
        int n = ch.size();
        int g = c.normNumGroups();
        float eps = VaeMidBlock.EPS;
        long last = ch.get(n - 1);
        long latent2 = 2L * c.latentChannels();

        List<Stage> downs = new ArrayList<>();
        long out = ch.get(0);
        for (int i = 0; i < n; i++) {
            long in = out;
            out = ch.get(i);
            String p = "encoder.down_blocks." + i + ".";
            List<ResnetBlock2D> resnets = new ArrayList<>();
            for (int j = 0; j < c.layersPerBlock(); j++) {
                resnets.add(ResnetBlock2D.load(w, p + "resnets." + j, j == 0 ? in : out, out, 0, g, eps));
            }
            // padding 0 here: forward pads (0, 1, 0, 1) first, as diffusers' Downsample2D(padding=0) does
            downs.add(new Stage(resnets, i < n - 1 ? w.conv(p + "downsamplers.0.conv", out, out, 3, 2, 0) : null));
        }
        Coder encoder = new Coder(w.conv("encoder.conv_in", ch.get(0), c.inChannels(), 3, 1, 1), downs,
                VaeMidBlock.load(w, "encoder.mid_block", last, g), w.groupNorm("encoder.conv_norm_out", last, g, eps),
                w.conv("encoder.conv_out", latent2, last, 3, 1, 1));

        List<Stage> ups = new ArrayList<>();
        long prev = last;
        for (int i = 0; i < n; i++) {
            long outCh = ch.get(n - 1 - i);
            String p = "decoder.up_blocks." + i + ".";
            List<ResnetBlock2D> resnets = new ArrayList<>();
            for (int j = 0; j < c.layersPerBlock() + 1; j++) {
                resnets.add(ResnetBlock2D.load(w, p + "resnets." + j, j == 0 ? prev : outCh, outCh, 0, g, eps));
            }
            ups.add(new Stage(resnets, i < n - 1 ? w.conv(p + "upsamplers.0.conv", outCh, outCh, 3, 1, 1) : null));
            prev = outCh;
        }
        Coder decoder = new Coder(w.conv("decoder.conv_in", last, c.latentChannels(), 3, 1, 1), ups,
                VaeMidBlock.load(w, "decoder.mid_block", last, g),
                w.groupNorm("decoder.conv_norm_out", ch.get(0), g, eps),
                w.conv("decoder.conv_out", c.outChannels(), ch.get(0), 3, 1, 1));

        return new AutoencoderKL(c, w.manager(), encoder,
                w.conv("quant_conv", latent2, latent2, 1, 1, 0),
                w.conv("post_quant_conv", c.latentChannels(), c.latentChannels(), 1, 1, 0), decoder);
    }

    public VaeConfig config() {
        return config;
    }

    public NDManager manager() {
        return manager;
    }

    /**
     * The latent distribution of images (diffusers {@code vae.encode(x).latent_dist}).
     *
     * @param image (B, in_channels, H, W) with values in [-1, 1], H and W divisible by {@link VaeConfig#downscale()}
     */
    public LatentDistribution encode(NDArray image) {
        Shape s = image.getShape();
        int f = config.downscale();
        if (s.dimension() != 4 || s.get(1) != config.inChannels() || s.get(2) % f != 0 || s.get(3) % f != 0) {
            throw new IllegalArgumentException("image must be (B, " + config.inChannels() + ", H, W) with H and W"
                    + " divisible by " + f + ", got " + s);
        }
        NDArray h = encoder.convIn().forward(image);
        for (Stage st : encoder.stages()) {
            for (ResnetBlock2D r : st.resnets()) {
                h = r.forward(h, null, false);
            }
            if (st.resample() != null) {
                h = st.resample().forward(ConvOps.pad2d(h, 0, 1, 0, 1)); // (B, C, H/2, W/2)
            }
        }
        h = encoder.mid().forward(h);
        h = encoder.convOut().forward(Ops.silu(encoder.normOut().forward(h))); // (B, 2L, h, w)
        return LatentDistribution.fromMoments(quantConv.forward(h));
    }

    /** Training latents: a seeded sample of {@link #encode} times {@code scaling_factor}. */
    public NDArray encodeLatents(NDArray image, long seed) {
        return encode(image).sample(seed).mul((float) config.scalingFactor());
    }

    /** Images from unscaled latents (diffusers {@code vae.decode(z).sample}); values roughly in [-1, 1]. */
    public NDArray decode(NDArray z) {
        Shape s = z.getShape();
        if (s.dimension() != 4 || s.get(1) != config.latentChannels()) {
            throw new IllegalArgumentException("latents must be (B, " + config.latentChannels() + ", h, w), got " + s);
        }
        NDArray h = decoder.convIn().forward(postQuantConv.forward(z));
        h = decoder.mid().forward(h);
        for (Stage st : decoder.stages()) {
            for (ResnetBlock2D r : st.resnets()) {
                h = r.forward(h, null, false);
            }
            if (st.resample() != null) {
                h = st.resample().forward(ConvOps.upsampleNearest2x(h)); // (B, C, 2h, 2w)
            }
        }
        return decoder.convOut().forward(Ops.silu(decoder.normOut().forward(h)));
    }

    /** Images from latents scaled as the UNet sees them: {@code decode(latents / scaling_factor)}. */
    public NDArray decodeLatents(NDArray scaledLatents) {
        return decode(scaledLatents.div((float) config.scalingFactor()));
    }

    @Override
    public void close() {
        manager.close();
    }
}
