package org.lorapipeline.core.kohya;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * kohya-ss/sd-scripts LoRA names ({@code networks/lora.py}): the component's prefix, then the module path with every
 * {@code .} turned into {@code _}. SD 1.x/2.x train kohya's copy of the diffusers UNet, so the UNet names are
 * diffusers paths ({@code lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q}); the text encoder
 * names are transformers paths ({@code lora_te_text_model_encoder_layers_0_self_attn_q_proj}). SDXL's two encoders
 * are {@code lora_te1_}/{@code lora_te2_}; its UNet uses LDM names, which this class does not produce.
 */
public final class KohyaKeys {
    public static final String LORA_DOWN = ".lora_down.weight";
    public static final String LORA_UP = ".lora_up.weight";
    public static final String ALPHA = ".alpha";

    /** Module path component prefix to kohya prefix; longest component first so text_encoder_2 wins. */
    private static final List<Map.Entry<String, String>> PREFIXES = List.of(
            Map.entry("text_encoder_2.", "lora_te2_"),
            Map.entry("text_encoder.", "lora_te_"),
            Map.entry("unet.", "lora_unet_"));
    /** SDXL's first encoder: read as text_encoder. */
    static final String TE1 = "lora_te1_";

    private KohyaKeys() {}

    /** {@code unet.down_blocks.0....to_q} -> {@code lora_unet_down_blocks_0_..._to_q}. */
    public static String toKohya(String module) {
        for (Map.Entry<String, String> p : PREFIXES) {
            if (module.startsWith(p.getKey())) {
                return p.getValue() + module.substring(p.getKey().length()).replace('.', '_');
            }
        }
        throw new IllegalArgumentException("module '" + module + "' has no component prefix (unet., text_encoder.,"
                + " text_encoder_2.)");
    }

    /** True for names with a kohya LoRA prefix ({@code lora_unet_}, {@code lora_te_}, {@code lora_te1_}, {@code lora_te2_}). */
    public static boolean isKohyaName(String name) {
        return name.startsWith("lora_unet_") || name.startsWith("lora_te_") || name.startsWith(TE1)
                || name.startsWith("lora_te2_");
    }

    /**
     * The module path of a kohya name. '_' is ambiguous ({@code to_q}, {@code down_blocks}), so the name is matched
     * against the kohya names of the modules the model has; {@code lora_te1_} is read as {@code text_encoder.}.
     *
     * @throws IllegalArgumentException when no known module has that name
     */
    public static String toModule(String kohyaName, Collection<String> knownModules) {
        return resolver(knownModules).apply(kohyaName).orElseThrow(() -> new IllegalArgumentException(
                "LoRA module '" + kohyaName + "' matches no module of the model (" + knownModules.size()
                        + " known, e.g. " + knownModules.stream().limit(3).map(KohyaKeys::toKohya).toList()
                        + "); is the LoRA for another architecture?"));
    }

    /** A lookup from kohya names to module paths, built once for many names. */
    public static java.util.function.Function<String, Optional<String>> resolver(Collection<String> knownModules) {
        Map<String, String> byKohya = new HashMap<>();
        for (String m : knownModules) {
            String k = toKohya(m);
            String previous = byKohya.put(k, m);
            if (previous != null && !previous.equals(m)) {
                throw new IllegalArgumentException("modules '" + previous + "' and '" + m + "' share the kohya name "
                        + k);
            }
        }
        return name -> {
            String key = name.startsWith(TE1) ? "lora_te_" + name.substring(TE1.length()) : name;
            return Optional.ofNullable(byKohya.get(key));
        };
    }
}
