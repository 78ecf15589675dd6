package org.lorapipeline.core.sd.vae;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.lorapipeline.core.json.ConfigFiles;
import org.lorapipeline.core.sd.SdJson;

/**
 * diffusers {@code AutoencoderKL} architecture as in {@code vae/config.json}; components follow the JSON keys.
 *
 * @param scalingFactor latents are multiplied by it after encoding (SD 1.x: 0.18215) so they have about unit variance
 */
public record VaeConfig(int inChannels, int outChannels, int latentChannels, List<Integer> blockOutChannels,
                        int layersPerBlock, int normNumGroups, double scalingFactor, int sampleSize) {
    static final String DOWN = "DownEncoderBlock2D";
    static final String UP = "UpDecoderBlock2D";

    public VaeConfig {
        blockOutChannels = List.copyOf(blockOutChannels);
        positive("in_channels", inChannels);
        positive("out_channels", outChannels);
        positive("latent_channels", latentChannels);
        positive("layers_per_block", layersPerBlock);
        positive("norm_num_groups", normNumGroups);
        if (blockOutChannels.isEmpty()) {
            throw new IllegalArgumentException("block_out_channels must not be empty");
        }
        for (int i = 0; i < blockOutChannels.size(); i++) {
            int c = blockOutChannels.get(i);
            if (c <= 0 || c % normNumGroups != 0) {
                throw new IllegalArgumentException("block_out_channels[" + i + "] = " + c + " must be > 0 and"
                        + " divisible by norm_num_groups " + normNumGroups);
            }
        }
        if (!(scalingFactor > 0)) {
            throw new IllegalArgumentException("scaling_factor must be > 0, got " + scalingFactor);
        }
    }

    private static void positive(String key, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(key + " must be > 0, got " + v);
        }
    }

    /** Stable Diffusion 1.5's VAE. */
    public static VaeConfig sd15() {
        return new VaeConfig(3, 3, 4, List.of(128, 256, 512, 512), 2, 32, 0.18215, 512);
    }

    /** Spatial factor between image and latent: 2^(blocks - 1), 8 for SD. */
    public int downscale() {
        return 1 << (blockOutChannels.size() - 1);
    }

    public static VaeConfig read(Path configJson) throws IOException {
        return ConfigFiles.bind(configJson, SdJson.read(configJson), VaeConfig::fromJson);
    }

    public static VaeConfig fromJson(JsonNode root) {
        VaeConfig d = sd15();
        List<Integer> boc = SdJson.ints(root, "block_out_channels", d.blockOutChannels(), 0);
        checkTypes(SdJson.strings(root, "down_block_types", null), DOWN, "down_block_types", boc.size());
        checkTypes(SdJson.strings(root, "up_block_types", null), UP, "up_block_types", boc.size());
        String act = SdJson.text(root, "act_fn", "silu");
        if (!act.equals("silu")) {
            throw new IllegalArgumentException("act_fn = " + act + " is not supported (only silu)");
        }
        if (!SdJson.bool(root, "mid_block_add_attention", true) || !SdJson.bool(root, "use_quant_conv", true)
                || !SdJson.bool(root, "use_post_quant_conv", true)) {
            throw new IllegalArgumentException("mid_block_add_attention, use_quant_conv and use_post_quant_conv must"
                    + " be true (the Stable Diffusion VAE layout)");
        }
        if (root.hasNonNull("shift_factor")) {
            throw new IllegalArgumentException("shift_factor is set: this is not an SD 1.x/2.x VAE (SD3/Flux VAEs are"
                    + " not supported)");
        }
        return new VaeConfig(
                SdJson.integer(root, "in_channels", d.inChannels()),
                SdJson.integer(root, "out_channels", d.outChannels()),
                SdJson.integer(root, "latent_channels", d.latentChannels()),
                boc,
                SdJson.integer(root, "layers_per_block", d.layersPerBlock()),
                SdJson.integer(root, "norm_num_groups", d.normNumGroups()),
                SdJson.number(root, "scaling_factor", d.scalingFactor()),
                SdJson.integer(root, "sample_size", d.sampleSize()));
    }

    private static void checkTypes(List<String> types, String want, String key, int n) {
        if (types == null) {
            return;
        }
        if (types.size() != n) {
            throw new IllegalArgumentException(key + " has " + types.size() + " entries but block_out_channels has "
                    + n);
        }
        for (int i = 0; i < n; i++) {
            if (!types.get(i).equals(want)) {
                throw new IllegalArgumentException(key + "[" + i + "] = " + types.get(i) + " is not supported (only "
                        + want + ")");
            }
        }
    }

    public ObjectNode toJson() {
        ObjectNode o = SdJson.mapper().createObjectNode();
        o.put("_class_name", "AutoencoderKL");
        o.put("_diffusers_version", "0.30.0");
        o.put("act_fn", "silu");
        o.set("block_out_channels", SdJson.mapper().valueToTree(blockOutChannels));
        o.set("down_block_types",
                SdJson.mapper().valueToTree(Collections.nCopies(blockOutChannels.size(), DOWN)));
        o.put("in_channels", inChannels);
        o.put("latent_channels", latentChannels);
        o.put("layers_per_block", layersPerBlock);
        o.put("norm_num_groups", normNumGroups);
        o.put("out_channels", outChannels);
        o.put("sample_size", sampleSize);
        o.put("scaling_factor", scalingFactor);
        o.set("up_block_types", SdJson.mapper().valueToTree(Collections.nCopies(blockOutChannels.size(), UP)));
        return o;
    }
}
