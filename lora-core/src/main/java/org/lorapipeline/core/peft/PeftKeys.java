package org.lorapipeline.core.peft;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tensor names in {@code adapter_model.safetensors}: {@code base_model.model.<module path>.lora_A.weight} and
 * {@code .lora_B.weight} (PEFT strips the adapter name {@code default} on save). A is [r, in], B is [out, r].
 */
public final class PeftKeys {
    public static final String PREFIX = "base_model.model.";
    public static final String LORA_A = ".lora_A.weight";
    public static final String LORA_B = ".lora_B.weight";

    private static final Pattern LLAMA = Pattern.compile(
            "base_model\\.model\\.model\\.layers\\.(\\d+)\\.(self_attn|mlp)\\.(\\w+)\\.lora_([AB])\\.weight");

    private PeftKeys() {}

    /** A key of a LLaMA projection: layer index, projection, and whether it is lora_A. */
    public record LlamaKey(int layer, LlamaProjection projection, boolean isA) {
        public String key() {
            return isA ? loraA(layer, projection) : loraB(layer, projection);
        }
    }

    public static String loraA(String modulePath) {
        return PREFIX + modulePath + LORA_A;
    }

    public static String loraB(String modulePath) {
        return PREFIX + modulePath + LORA_B;
    }

    /** {@code base_model.model.model.layers.{i}.self_attn.q_proj.lora_A.weight} and the mlp equivalents. */
    public static String loraA(int layer, LlamaProjection p) {
        return loraA(p.hfPath(layer));
    }

    public static String loraB(int layer, LlamaProjection p) {
        return loraB(p.hfPath(layer));
    }

    /** Module path of a lora_A/lora_B key ({@code model.layers.0.mlp.up_proj}), or empty for other keys. */
    public static Optional<String> modulePath(String key) {
        if (!key.startsWith(PREFIX)) {
            return Optional.empty();
        }
        if (key.endsWith(LORA_A)) {
            return Optional.of(key.substring(PREFIX.length(), key.length() - LORA_A.length()));
        }
        if (key.endsWith(LORA_B)) {
            return Optional.of(key.substring(PREFIX.length(), key.length() - LORA_B.length()));
        }
        return Optional.empty();
    }

    /** Parses a LLaMA projection key; empty for anything else (embeddings, norms, other architectures). */
    public static Optional<LlamaKey> parseLlama(String key) {
        Matcher m = LLAMA.matcher(key);
        if (!m.matches()) {
            return Optional.empty();
        }
        return LlamaProjection.byModule(m.group(3))
                .filter(p -> p.hfPath(0).contains("." + m.group(2) + "."))
                .map(p -> new LlamaKey(Integer.parseInt(m.group(1)), p, m.group(4).equals("A")));
    }
}
