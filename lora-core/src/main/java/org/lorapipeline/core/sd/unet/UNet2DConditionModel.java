package org.lorapipeline.core.sd.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipeline.core.engine.ConvOps;
import org.lorapipeline.core.engine.DiffusionOps;
import org.lorapipeline.core.engine.Ops;
import org.lorapipeline.core.lora.LoraLinear;
import org.lorapipeline.core.sd.Conv2dLayer;
import org.lorapipeline.core.sd.GroupNormLayer;
import org.lorapipeline.core.sd.LinearLayer;
import org.lorapipeline.core.sd.ResnetBlock2D;
import org.lorapipeline.core.sd.SdWeights;

/**
 * Stable Diffusion's noise-prediction UNet, diffusers {@code UNet2DConditionModel} for the SD 1.x/2.x family, as a
 * plain function over frozen F32 weights named as in {@code diffusion_pytorch_model.safetensors}. The block layout
 * comes from {@link UNetConfig}, so a tiny config and full SD 1.5 run the same code. Every linear inside a
 * Transformer2DModel (kohya's default LoRA targets) is a {@link LoraLinear} named by its diffusers module path.
 */
public final class UNet2DConditionModel implements AutoCloseable {
    private final UNetConfig config;
    private final NDManager manager;
    private final Conv2dLayer convIn;
    private final LinearLayer timeLinear1;
    private final LinearLayer timeLinear2;
    private final List<DownBlock> downBlocks;
    private final MidBlock mid;
    private final List<UpBlock> upBlocks;
    private final GroupNormLayer convNormOut;
    private final Conv2dLayer convOut;
    private final Map<String, LoraLinear> linears;

    /** resnets[j] then attentions[j] (null for DownBlock2D), then an optional stride-2 conv. */
    private record DownBlock(List<ResnetBlock2D> resnets, List<Transformer2DModel> attentions,
                             Conv2dLayer downsampler) {}

    private record MidBlock(ResnetBlock2D resnet0, Transformer2DModel attention, ResnetBlock2D resnet1) {}

    /** resnets[j] (each eating one skip connection), attentions[j] or null, then an optional nearest-x2 + conv. */
    private record UpBlock(List<ResnetBlock2D> resnets, List<Transformer2DModel> attentions, Conv2dLayer upsampler) {}

    private UNet2DConditionModel(UNetConfig config, NDManager manager, Conv2dLayer convIn, LinearLayer timeLinear1,
                                 LinearLayer timeLinear2, List<DownBlock> downBlocks, MidBlock mid,
                                 List<UpBlock> upBlocks, GroupNormLayer convNormOut, Conv2dLayer convOut,
                                 Map<String, LoraLinear> linears) {
        this.config = config;
        this.manager = manager;
        this.convIn = convIn;
        this.timeLinear1 = timeLinear1;
        this.timeLinear2 = timeLinear2;
        this.downBlocks = downBlocks;
        this.mid = mid;
        this.upBlocks = upBlocks;
        this.convNormOut = convNormOut;
        this.convOut = convOut;
        this.linears = Collections.unmodifiableMap(linears);
    }

    /** Builds the UNet from weights with diffusers names; shapes are checked against {@code c}. */
    public static UNet2DConditionModel create(UNetConfig c, SdWeights w) {
        Map<String, LoraLinear> linears = new LinkedHashMap<>();
        List<Integer> ch = c.blockOutChannels();
        int n = ch.size();
        int groups = c.normNumGroups();
        float eps = (float) c.normEps();
        long temb = c.timeEmbedDim();

        Conv2dLayer convIn = w.conv("conv_in", ch.get(0), c.inChannels(), 3, 1, 1);
        LinearLayer t1 = w.linear("time_embedding.linear_1", temb, ch.get(0), true, null);
        LinearLayer t2 = w.linear("time_embedding.linear_2", temb, temb, true, null);

        List<DownBlock> downs = new ArrayList<>();
        long out = ch.get(0);
        for (int b = 0; b < n; b++) {
            long in = out;
            out = ch.get(b);
            boolean cross = c.downBlockTypes().get(b).equals(UNetConfig.CROSS_DOWN);
            String p = "down_blocks." + b + ".";
            List<ResnetBlock2D> resnets = new ArrayList<>();
            List<Transformer2DModel> attns = cross ? new ArrayList<>() : null;
            for (int j = 0; j < c.layersPerBlock(); j++) {
                resnets.add(ResnetBlock2D.load(w, p + "resnets." + j, j == 0 ? in : out, out, temb, groups, eps));
                if (cross) {
                    attns.add(Transformer2DModel.load(w, p + "attentions." + j, out, c.attentionHeadDim().get(b), c,
                            linears));
                }
            }
            Conv2dLayer down = b < n - 1 ? w.conv(p + "downsamplers.0.conv", out, out, 3, 2, 1) : null;
            downs.add(new DownBlock(resnets, attns, down));
        }

        long last = ch.get(n - 1);
        MidBlock mid = new MidBlock(
                ResnetBlock2D.load(w, "mid_block.resnets.0", last, last, temb, groups, eps),
                Transformer2DModel.load(w, "mid_block.attentions.0", last, c.attentionHeadDim().get(n - 1), c,
                        linears),
                ResnetBlock2D.load(w, "mid_block.resnets.1", last, last, temb, groups, eps));

        List<UpBlock> ups = new ArrayList<>();
        long prevOut = last;
        for (int i = 0; i < n; i++) {
            long outCh = ch.get(n - 1 - i);
            long inCh = ch.get(Math.max(n - 2 - i, 0)); // channels of the skips this block's last resnet eats
            boolean cross = c.upBlockTypes().get(i).equals(UNetConfig.CROSS_UP);
            String p = "up_blocks." + i + ".";
            int layers = c.layersPerBlock() + 1;
            List<ResnetBlock2D> resnets = new ArrayList<>();
            List<Transformer2DModel> attns = cross ? new ArrayList<>() : null;
            for (int j = 0; j < layers; j++) {
                long skip = j == layers - 1 ? inCh : outCh;
                long resIn = j == 0 ? prevOut : outCh;
                resnets.add(ResnetBlock2D.load(w, p + "resnets." + j, resIn + skip, outCh, temb, groups, eps));
                if (cross) {
                    attns.add(Transformer2DModel.load(w, p + "attentions." + j, outCh, c.upHeads(i), c, linears));
                }
            }
            Conv2dLayer up = i < n - 1 ? w.conv(p + "upsamplers.0.conv", outCh, outCh, 3, 1, 1) : null;
            ups.add(new UpBlock(resnets, attns, up));
            prevOut = outCh;
        }

        GroupNormLayer normOut = w.groupNorm("conv_norm_out", ch.get(0), groups, eps);
        Conv2dLayer convOut = w.conv("conv_out", c.outChannels(), ch.get(0), 3, 1, 1);
        return new UNet2DConditionModel(c, w.manager(), convIn, t1, t2, downs, mid, ups, normOut, convOut, linears);
    }

    public UNetConfig config() {
        return config;
    }

    public NDManager manager() {
        return manager;
    }

    /**
     * The projections inside every Transformer2DModel by diffusers module path (proj_in, attn1/attn2 to_q/k/v/out.0,
     * ff.net.0.proj, ff.net.2, proj_out), in model order: the set kohya and diffusers train LoRA on.
     */
    public Map<String, LoraLinear> linears() {
        return linears;
    }

    /**
     * Predicts the noise (or v) for noisy latents.
     *
     * @param sample               (B, in_channels, H, W) latents; H and W divisible by 2^(blocks - 1)
     * @param timesteps            one timestep per batch row, or one for all rows
     * @param encoderHiddenStates  (B, S, cross_attention_dim) text encoder output
     * @param training             enables LoRA dropout
     * @return (B, out_channels, H, W)
     */
    public NDArray forward(NDArray sample, float[] timesteps, NDArray encoderHiddenStates, boolean training) {
        Shape s = sample.getShape();
        if (s.dimension() != 4 || s.get(1) != config.inChannels()) {
            throw new IllegalArgumentException("sample must be (B, " + config.inChannels() + ", H, W), got " + s);
        }
        long b = s.get(0);
        int factor = 1 << (config.blockOutChannels().size() - 1);
        if (s.get(2) % factor != 0 || s.get(3) % factor != 0) {
            throw new IllegalArgumentException("latent size " + s.get(2) + "x" + s.get(3) + " must be divisible by "
                    + factor + " (image size divisible by " + factor * 8 + " for SD)");
        }
        Shape e = encoderHiddenStates.getShape();
        if (e.dimension() != 3 || e.get(0) != b || e.get(2) != config.crossAttentionDim()) {
            throw new IllegalArgumentException("encoder_hidden_states must be (" + b + ", S, "
                    + config.crossAttentionDim() + "), got " + e);
        }
        NDArray temb = timeEmbedding(sample.getManager(), timesteps, b); // (B, 4 C0)

        NDArray h = convIn.forward(sample); // (B, C0, H, W)
        Deque<NDArray> skips = new ArrayDeque<>();
        skips.push(h);
        for (DownBlock d : downBlocks) {
            for (int j = 0; j < d.resnets().size(); j++) {
                h = d.resnets().get(j).forward(h, temb, training);
                if (d.attentions() != null) {
                    h = d.attentions().get(j).forward(h, encoderHiddenStates, training);
                }
                skips.push(h);
            }
            if (d.downsampler() != null) {
                h = d.downsampler().forward(h); // (B, C, H/2, W/2)
                skips.push(h);
            }
        }

        h = mid.resnet0().forward(h, temb, training);
        h = mid.attention().forward(h, encoderHiddenStates, training);
        h = mid.resnet1().forward(h, temb, training);

        for (UpBlock u : upBlocks) {
            for (int j = 0; j < u.resnets().size(); j++) {
                h = NDArrays.concat(new NDList(h, skips.pop()), 1); // (B, C + C_skip, H, W)
                h = u.resnets().get(j).forward(h, temb, training);
                if (u.attentions() != null) {
                    h = u.attentions().get(j).forward(h, encoderHiddenStates, training);
                }
            }
            if (u.upsampler() != null) {
                h = u.upsampler().forward(ConvOps.upsampleNearest2x(h)); // (B, C, 2H, 2W)
            }
        }
        return convOut.forward(Ops.silu(convNormOut.forward(h)));
    }

    /** Sinusoidal embedding of the timesteps through linear_1, SiLU, linear_2: (B, 4 C0). */
    private NDArray timeEmbedding(NDManager m, float[] timesteps, long batch) {
        float[] t = timesteps;
        if (t.length == 1 && batch > 1) {
            t = new float[(int) batch];
            java.util.Arrays.fill(t, timesteps[0]);
        }
        if (t.length != batch) {
            throw new IllegalArgumentException(timesteps.length + " timesteps for a batch of " + batch);
        }
        NDArray emb = DiffusionOps.timestepEmbedding(m, t, config.blockOutChannels().get(0), config.flipSinToCos(),
                config.freqShift(), 10000f);
        return timeLinear2.forward(Ops.silu(timeLinear1.forward(emb, false)), false);
    }

    @Override
    public void close() {
        manager.close();
    }
}
