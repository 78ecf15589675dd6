package org.lorapipeline.core.kohya;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Module paths for kohya SD 1.x/2.x LoRA names without loading the model: kohya replaces every {@code .} of a
 * diffusers (UNet) or transformers (text encoder) module path by {@code _}, and the segments of those paths come from
 * a small vocabulary, so the longest vocabulary entry at each position restores the dots. Each result is checked by
 * mapping it back with {@link KohyaKeys#toKohya}. SDXL UNet names are LDM-style ({@code input_blocks_4_1_...}) and
 * are not diffusers paths, so they are refused.
 */
public final class KohyaNameParser {
    /** Path segments of the SD UNet (diffusers names) and the CLIP text model; '_' inside a segment is kept. */
    private static final Set<String> SEGMENTS = Set.of(
            "down_blocks", "up_blocks", "mid_block", "attentions", "resnets", "transformer_blocks", "attn1", "attn2",
            "to_q", "to_k", "to_v", "to_out", "proj_in", "proj_out", "ff", "net", "proj", "norm", "norm1", "norm2",
            "norm3", "conv1", "conv2", "conv_shortcut", "time_emb_proj", "downsamplers", "upsamplers", "conv",
            "conv_in", "conv_out", "time_embedding", "linear_1", "linear_2",
            "text_model", "encoder", "layers", "self_attn", "q_proj", "k_proj", "v_proj", "out_proj", "mlp", "fc1",
            "fc2");
    private static final int LONGEST = 3; // tokens in the longest segment (time_emb_proj)
    private static final Map<String, String> PREFIXES = Map.of(
            "lora_unet_", "unet.", "lora_te_", "text_encoder.", "lora_te1_", "text_encoder.", "lora_te2_", "text_encoder_2.");

    private KohyaNameParser() {}

    /** The module path of one kohya name, e.g. {@code unet.mid_block.attentions.0.proj_in}, or empty. */
    public static Optional<String> modulePath(String kohyaName) {
        for (Map.Entry<String, String> p : PREFIXES.entrySet()) {
            if (!kohyaName.startsWith(p.getKey())) {
                continue;
            }
            String[] tokens = kohyaName.substring(p.getKey().length()).split("_", -1);
            List<String> segments = new ArrayList<>();
            int i = 0;
            while (i < tokens.length) {
                int taken = 0;
                for (int k = Math.min(LONGEST, tokens.length - i); k >= 1; k--) {
                    String candidate = String.join("_", List.of(tokens).subList(i, i + k));
                    if (SEGMENTS.contains(candidate) || (k == 1 && candidate.matches("[0-9]+"))) {
                        segments.add(candidate);
                        taken = k;
                        break;
                    }
                }
                if (taken == 0) {
                    return Optional.empty();
                }
                i += taken;
            }
            String path = p.getValue() + String.join(".", segments);
            String back = KohyaKeys.toKohya(path);
            boolean same = back.equals(kohyaName) || kohyaName.startsWith("lora_te1_")
                    && back.equals("lora_te_" + kohyaName.substring("lora_te1_".length()));
            return same ? Optional.of(path) : Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * Module paths for every name, for {@link KohyaLora#resolve}.
     *
     * @throws LoraFormatException naming the first names that do not parse (SDXL LDM names, unknown modules)
     */
    public static List<String> modulePaths(Collection<String> kohyaNames) {
        List<String> out = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (String n : kohyaNames) {
            modulePath(n).ifPresentOrElse(out::add, () -> bad.add(n));
        }
        if (!bad.isEmpty()) {
            throw new LoraFormatException(bad.size() + " kohya names are not SD 1.x/2.x diffusers module paths, e.g. "
                    + bad.subList(0, Math.min(3, bad.size())) + " (SDXL UNet names use LDM blocks and need the"
                    + " model's own mapping)");
        }
        return out;
    }
}
