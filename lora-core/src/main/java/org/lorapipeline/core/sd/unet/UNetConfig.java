package org.lorapipeline.core.sd.unet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.lorapipeline.core.json.ConfigFiles;
import org.lorapipeline.core.sd.SdJson;

/**
 * {@code UNet2DConditionModel} architecture as diffusers writes it in {@code unet/config.json}; components are named
 * after the JSON keys. Only the SD 1.x/2.x family of options is supported; keys that would change the architecture
 * in ways this model does not implement are refused by {@link #fromJson}.
 *
 * @param attentionHeadDim per down block; SD 1.x's {@code attention_head_dim} is in fact the number of heads
 *                         (diffusers: {@code num_attention_heads = num_attention_heads or attention_head_dim})
 */
public record UNetConfig(int inChannels, int outChannels, List<Integer> blockOutChannels, int layersPerBlock,
                         List<String> downBlockTypes, List<String> upBlockTypes, int crossAttentionDim,
                         List<Integer> attentionHeadDim, int normNumGroups, double normEps, boolean flipSinToCos,
                         int freqShift, int sampleSize, boolean useLinearProjection, int transformerLayersPerBlock) {

    public static final String CROSS_DOWN = "CrossAttnDownBlock2D";
    public static final String DOWN = "DownBlock2D";
    public static final String CROSS_UP = "CrossAttnUpBlock2D";
    public static final String UP = "UpBlock2D";

    /** Keys whose non-default values this implementation does not support, with the supported value. */
    private static final Map<String, String> FIXED = Map.ofEntries(
            Map.entry("act_fn", "\"silu\""),
            Map.entry("mid_block_type", "\"UNetMidBlock2DCrossAttn\""),
            Map.entry("resnet_time_scale_shift", "\"default\""),
            Map.entry("time_embedding_type", "\"positional\""),
            Map.entry("center_input_sample", "false"),
            Map.entry("class_embed_type", "null"),
            Map.entry("addition_embed_type", "null"),
            Map.entry("time_cond_proj_dim", "null"),
            Map.entry("encoder_hid_dim", "null"),
            Map.entry("num_class_embeds", "null"),
            Map.entry("only_cross_attention", "false"),
            Map.entry("dual_cross_attention", "false"),
            Map.entry("conv_in_kernel", "3"),
            Map.entry("conv_out_kernel", "3"),
            Map.entry("downsample_padding", "1"),
            Map.entry("mid_block_scale_factor", "1"));

    public UNetConfig {
        blockOutChannels = List.copyOf(blockOutChannels);
        downBlockTypes = List.copyOf(downBlockTypes);
        upBlockTypes = List.copyOf(upBlockTypes);
        attentionHeadDim = List.copyOf(attentionHeadDim);
        positive("in_channels", inChannels);
        positive("out_channels", outChannels);
        positive("layers_per_block", layersPerBlock);
        positive("cross_attention_dim", crossAttentionDim);
        positive("norm_num_groups", normNumGroups);
        positive("transformer_layers_per_block", transformerLayersPerBlock);
        int n = blockOutChannels.size();
        if (n == 0) {
            throw new IllegalArgumentException("block_out_channels must not be empty");
        }
        sizeIs("down_block_types", downBlockTypes.size(), n);
        sizeIs("up_block_types", upBlockTypes.size(), n);
        sizeIs("attention_head_dim", attentionHeadDim.size(), n);
        for (int i = 0; i < n; i++) {
            int c = blockOutChannels.get(i);
            positive("block_out_channels[" + i + "]", c);
            if (c % normNumGroups != 0) {
                throw new IllegalArgumentException("block_out_channels[" + i + "] = " + c
                        + " is not divisible by norm_num_groups " + normNumGroups);
            }
            String down = downBlockTypes.get(i);
            if (!down.equals(CROSS_DOWN) && !down.equals(DOWN)) {
                throw new IllegalArgumentException("down_block_types[" + i + "] = " + down + " is not supported ("
                        + CROSS_DOWN + ", " + DOWN + ")");
            }
            String up = upBlockTypes.get(i);
            if (!up.equals(CROSS_UP) && !up.equals(UP)) {
                throw new IllegalArgumentException("up_block_types[" + i + "] = " + up + " is not supported ("
                        + CROSS_UP + ", " + UP + ")");
            }
            int heads = attentionHeadDim.get(i);
            positive("attention_head_dim[" + i + "]", heads);
            if (c % heads != 0) {
                throw new IllegalArgumentException("block_out_channels[" + i + "] = " + c + " is not divisible by "
                        + heads + " attention heads (attention_head_dim)");
            }
        }
        if (!(normEps > 0)) {
            throw new IllegalArgumentException("norm_eps must be > 0, got " + normEps);
        }
    }

    private static void positive(String key, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(key + " must be > 0, got " + v);
        }
    }

    private static void sizeIs(String key, int size, int n) {
        if (size != n) {
            throw new IllegalArgumentException(key + " has " + size + " entries but block_out_channels has " + n);
        }
    }

    /** Stable Diffusion 1.5's UNet ({@code runwayml/stable-diffusion-v1-5/unet/config.json}). */
    public static UNetConfig sd15() {
        return new UNetConfig(4, 4, List.of(320, 640, 1280, 1280), 2,
                List.of(CROSS_DOWN, CROSS_DOWN, CROSS_DOWN, DOWN), List.of(UP, CROSS_UP, CROSS_UP, CROSS_UP),
                768, List.of(8, 8, 8, 8), 32, 1e-5, true, 0, 64, false, 1);
    }

    public int timeEmbedDim() {
        return blockOutChannels.get(0) * 4;
    }

    /** Heads of the transformers in up block {@code i} (diffusers reverses the per-block list). */
    public int upHeads(int i) {
        return attentionHeadDim.get(attentionHeadDim.size() - 1 - i);
    }

    public static UNetConfig read(Path configJson) throws IOException {
        return ConfigFiles.bind(configJson, SdJson.read(configJson), UNetConfig::fromJson);
    }

    public static UNetConfig fromJson(JsonNode root) {
        for (Map.Entry<String, String> e : FIXED.entrySet()) {
            JsonNode v = root.get(e.getKey());
            if (v != null && !isValue(v, e.getValue())) {
                throw new IllegalArgumentException(e.getKey() + " = " + v + " is not supported (only " + e.getValue()
                        + ", as in Stable Diffusion 1.x/2.x)");
            }
        }
        UNetConfig d = sd15();
        List<Integer> boc = SdJson.ints(root, "block_out_channels", d.blockOutChannels(), 0);
        int n = boc.size();
        // num_attention_heads wins when set; otherwise attention_head_dim is the head count (SD 1.x naming quirk)
        List<Integer> heads = root.hasNonNull("num_attention_heads")
                ? SdJson.ints(root, "num_attention_heads", null, n)
                : SdJson.ints(root, "attention_head_dim", d.attentionHeadDim(), n);
        JsonNode tl = root.get("transformer_layers_per_block");
        if (tl != null && !tl.isNull() && !tl.isIntegralNumber()) {
            throw new IllegalArgumentException("transformer_layers_per_block must be one integer for every block"
                    + " (per-block lists are an SDXL feature), got " + tl);
        }
        return new UNetConfig(
                SdJson.integer(root, "in_channels", d.inChannels()),
                SdJson.integer(root, "out_channels", d.outChannels()),
                boc,
                SdJson.integer(root, "layers_per_block", d.layersPerBlock()),
                SdJson.strings(root, "down_block_types", d.downBlockTypes()),
                SdJson.strings(root, "up_block_types", d.upBlockTypes()),
                SdJson.integer(root, "cross_attention_dim", d.crossAttentionDim()),
                heads,
                SdJson.integer(root, "norm_num_groups", d.normNumGroups()),
                SdJson.number(root, "norm_eps", d.normEps()),
                SdJson.bool(root, "flip_sin_to_cos", d.flipSinToCos()),
                SdJson.integer(root, "freq_shift", d.freqShift()),
                SdJson.integer(root, "sample_size", d.sampleSize()),
                SdJson.bool(root, "use_linear_projection", d.useLinearProjection()),
                SdJson.integer(root, "transformer_layers_per_block", 1));
    }

    private static boolean isValue(JsonNode v, String expected) {
        if (v.isNumber()) {
            return v.asDouble() == Double.parseDouble(expected);
        }
        return v.toString().equals(expected);
    }

    /** The config as diffusers writes it (the keys {@link #fromJson} reads back). */
    public ObjectNode toJson() {
        ObjectNode o = SdJson.mapper().createObjectNode();
        o.put("_class_name", "UNet2DConditionModel");
        o.put("_diffusers_version", "0.30.0");
        o.put("act_fn", "silu");
        o.set("attention_head_dim", SdJson.mapper().valueToTree(attentionHeadDim));
        o.set("block_out_channels", SdJson.mapper().valueToTree(blockOutChannels));
        o.put("center_input_sample", false);
        o.put("cross_attention_dim", crossAttentionDim);
        o.set("down_block_types", SdJson.mapper().valueToTree(downBlockTypes));
        o.put("downsample_padding", 1);
        o.put("flip_sin_to_cos", flipSinToCos);
        o.put("freq_shift", freqShift);
        o.put("in_channels", inChannels);
        o.put("layers_per_block", layersPerBlock);
        o.put("mid_block_scale_factor", 1);
        o.put("norm_eps", normEps);
        o.put("norm_num_groups", normNumGroups);
        o.put("out_channels", outChannels);
        o.put("sample_size", sampleSize);
        o.put("transformer_layers_per_block", transformerLayersPerBlock);
        o.set("up_block_types", SdJson.mapper().valueToTree(upBlockTypes));
        o.put("use_linear_projection", useLinearProjection);
        return o;
    }
}
