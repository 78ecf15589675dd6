package org.lorapipeline.core.sd.ldm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.lorapipeline.core.sd.unet.UNetConfig;
import org.lorapipeline.core.sd.vae.VaeConfig;

/**
 * The names of an original (CompVis/LDM) Stable Diffusion checkpoint against diffusers names, written as data: a
 * table of module-prefix renames built from the block layout of the config (so it follows layers_per_block and the
 * block count), each with an optional table of renames for the tail inside the module. Same tables as diffusers'
 * {@code single_file_utils} conversion; see FORMATS.md section 7.
 */
public final class LdmKeyMap {
    public static final String UNET_PREFIX = "model.diffusion_model.";
    public static final String VAE_PREFIX = "first_stage_model.";

    /** LDM ResBlock parts -> diffusers ResnetBlock2D parts. */
    static final Map<String, String> UNET_RESNET = Map.of(
            "in_layers.0", "norm1",
            "in_layers.2", "conv1",
            "emb_layers.1", "time_emb_proj",
            "out_layers.0", "norm2",
            "out_layers.3", "conv2",
            "skip_connection", "conv_shortcut");

    /** LDM VAE ResnetBlock parts -> diffusers. */
    static final Map<String, String> VAE_RESNET = Map.of(
            "norm1", "norm1",
            "conv1", "conv1",
            "norm2", "norm2",
            "conv2", "conv2",
            "nin_shortcut", "conv_shortcut");

    /** LDM VAE AttnBlock parts -> diffusers Attention parts; q/k/v/proj_out are 1x1 convs there, linears here. */
    static final Map<String, String> VAE_ATTENTION = Map.of(
            "norm", "group_norm",
            "q", "to_q",
            "k", "to_k",
            "v", "to_v",
            "proj_out", "to_out.0");

    /**
     * One module rename.
     *
     * @param ldm       module path in the LDM file, without the component prefix
     * @param diffusers module path in diffusers
     * @param tails     renames of the first part of the name inside the module (empty: same names)
     * @param squeeze   2-d diffusers weights stored as (out, in, 1, 1) convolutions in the LDM file
     */
    public record Rule(String ldm, String diffusers, Map<String, String> tails, boolean squeeze) {
        static Rule same(String module) {
            return new Rule(module, module, Map.of(), false);
        }

        static Rule of(String ldm, String diffusers) {
            return new Rule(ldm, diffusers, Map.of(), false);
        }

        static Rule of(String ldm, String diffusers, Map<String, String> tails) {
            return new Rule(ldm, diffusers, tails, false);
        }
    }

    /** A renamed key and whether its array must change between (out, in, 1, 1) and (out, in). */
    public record Mapped(String name, boolean squeeze) {}

    private final String prefix;
    private final List<Rule> rules;

    private LdmKeyMap(String prefix, List<Rule> rules) {
        this.prefix = prefix;
        // longest LDM prefix first, so "middle_block.1" never shadows a longer match
        List<Rule> sorted = new ArrayList<>(rules);
        sorted.sort(Comparator.comparingInt((Rule r) -> r.ldm().length()).reversed());
        this.rules = Collections.unmodifiableList(sorted);
    }

    public String prefix() {
        return prefix;
    }

    public List<Rule> rules() {
        return rules;
    }

    /** The UNet table for a layout (SD 1.5: 4 blocks of 2 layers). */
    public static LdmKeyMap unet(UNetConfig c) {
        int n = c.blockOutChannels().size();
        int l = c.layersPerBlock();
        List<Rule> r = new ArrayList<>();
        r.add(Rule.of("time_embed.0", "time_embedding.linear_1"));
        r.add(Rule.of("time_embed.2", "time_embedding.linear_2"));
        r.add(Rule.of("input_blocks.0.0", "conv_in"));
        r.add(Rule.of("out.0", "conv_norm_out"));
        r.add(Rule.of("out.2", "conv_out"));
        for (int b = 0; b < n; b++) {
            boolean cross = c.downBlockTypes().get(b).equals(UNetConfig.CROSS_DOWN);
            for (int j = 0; j < l; j++) {
                int in = (l + 1) * b + j + 1;
                r.add(Rule.of("input_blocks." + in + ".0", "down_blocks." + b + ".resnets." + j, UNET_RESNET));
                if (cross) {
                    r.add(Rule.of("input_blocks." + in + ".1", "down_blocks." + b + ".attentions." + j));
                }
            }
            if (b < n - 1) {
                r.add(Rule.of("input_blocks." + (l + 1) * (b + 1) + ".0.op",
                        "down_blocks." + b + ".downsamplers.0.conv"));
            }
        }
        r.add(Rule.of("middle_block.0", "mid_block.resnets.0", UNET_RESNET));
        r.add(Rule.of("middle_block.1", "mid_block.attentions.0"));
        r.add(Rule.of("middle_block.2", "mid_block.resnets.1", UNET_RESNET));
        for (int b = 0; b < n; b++) {
            boolean cross = c.upBlockTypes().get(b).equals(UNetConfig.CROSS_UP);
            for (int j = 0; j < l + 1; j++) {
                int out = (l + 1) * b + j;
                r.add(Rule.of("output_blocks." + out + ".0", "up_blocks." + b + ".resnets." + j, UNET_RESNET));
                if (cross) {
                    r.add(Rule.of("output_blocks." + out + ".1", "up_blocks." + b + ".attentions." + j));
                }
            }
            if (b < n - 1) {
                r.add(Rule.of("output_blocks." + ((l + 1) * b + l) + "." + (cross ? 2 : 1) + ".conv",
                        "up_blocks." + b + ".upsamplers.0.conv"));
            }
        }
        return new LdmKeyMap(UNET_PREFIX, r);
    }

    /** The VAE table; the LDM decoder numbers its up blocks from the lowest resolution backwards. */
    public static LdmKeyMap vae(VaeConfig c) {
        int n = c.blockOutChannels().size();
        int l = c.layersPerBlock();
        List<Rule> r = new ArrayList<>();
        for (String coder : List.of("encoder", "decoder")) {
            r.add(Rule.same(coder + ".conv_in"));
            r.add(Rule.same(coder + ".conv_out"));
            r.add(Rule.of(coder + ".norm_out", coder + ".conv_norm_out"));
            r.add(Rule.of(coder + ".mid.block_1", coder + ".mid_block.resnets.0", VAE_RESNET));
            r.add(Rule.of(coder + ".mid.block_2", coder + ".mid_block.resnets.1", VAE_RESNET));
            r.add(new Rule(coder + ".mid.attn_1", coder + ".mid_block.attentions.0", VAE_ATTENTION, true));
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < l; j++) {
                r.add(Rule.of("encoder.down." + i + ".block." + j, "encoder.down_blocks." + i + ".resnets." + j,
                        VAE_RESNET));
            }
            if (i < n - 1) {
                r.add(Rule.of("encoder.down." + i + ".downsample.conv", "encoder.down_blocks." + i
                        + ".downsamplers.0.conv"));
            }
            int ldmUp = n - 1 - i;
            for (int j = 0; j < l + 1; j++) {
                r.add(Rule.of("decoder.up." + ldmUp + ".block." + j, "decoder.up_blocks." + i + ".resnets." + j,
                        VAE_RESNET));
            }
            if (i < n - 1) {
                r.add(Rule.of("decoder.up." + ldmUp + ".upsample.conv", "decoder.up_blocks." + i
                        + ".upsamplers.0.conv"));
            }
        }
        r.add(Rule.same("quant_conv"));
        r.add(Rule.same("post_quant_conv"));
        return new LdmKeyMap(VAE_PREFIX, r);
    }

    /** The diffusers name of a full LDM key (with the component prefix), or empty when no rule covers it. */
    public Optional<Mapped> toDiffusers(String ldmKey) {
        if (!ldmKey.startsWith(prefix)) {
            return Optional.empty();
        }
        String key = ldmKey.substring(prefix.length());
        for (Rule r : rules) {
            if (key.startsWith(r.ldm() + ".")) {
                String tail = key.substring(r.ldm().length() + 1);
                Optional<String> renamed = renameTail(tail, r.tails());
                if (renamed.isEmpty()) {
                    return Optional.empty();
                }
                return Optional.of(new Mapped(r.diffusers() + "." + renamed.get(), squeezes(r, tail)));
            }
        }
        return Optional.empty();
    }

    /** The full LDM key of a diffusers name, or empty when no rule covers it. */
    public Optional<Mapped> toLdm(String diffusersKey) {
        Rule best = null;
        for (Rule r : rules) {
            if (diffusersKey.startsWith(r.diffusers() + ".")
                    && (best == null || r.diffusers().length() > best.diffusers().length())) {
                best = r;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        String tail = diffusersKey.substring(best.diffusers().length() + 1);
        Optional<String> renamed = renameTail(tail, invert(best.tails()));
        if (renamed.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Mapped(prefix + best.ldm() + "." + renamed.get(), squeezes(best, tail)));
    }

    private static boolean squeezes(Rule r, String tail) {
        return r.squeeze() && tail.endsWith(".weight") && !tail.startsWith("norm.") && !tail.startsWith("group_norm.");
    }

    private static Optional<String> renameTail(String tail, Map<String, String> tails) {
        if (tails.isEmpty()) {
            return Optional.of(tail);
        }
        for (Map.Entry<String, String> e : tails.entrySet()) {
            if (tail.startsWith(e.getKey() + ".")) {
                return Optional.of(e.getValue() + tail.substring(e.getKey().length()));
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> invert(Map<String, String> m) {
        Map<String, String> out = new java.util.HashMap<>();
        m.forEach((k, v) -> out.put(v, k));
        return out;
    }
}
