package org.lorapipeline.core.sd.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.lorapipeline.core.lora.LoraLinear;

/**
 * Which projections of a Stable Diffusion model get LoRA, with kohya's meaning of {@code target_modules}: the class
 * names of its {@code networks/lora.py} ({@code Transformer2DModel} for the UNet, {@code CLIPAttention} and
 * {@code CLIPMLP} for the text encoder) expand to the projections inside those modules; any other entry is a module
 * name matched as PEFT does (whole path or dotted suffix: {@code to_q}, {@code to_out.0}, {@code ff.net.2}).
 *
 * <p>UNet and text encoder projections live in one map with module names prefixed {@link #UNET} /
 * {@link #TEXT_ENCODER}, so one {@code LoraModel} covers both and every adapter maps 1:1 to a kohya
 * {@code lora_unet_*} / {@code lora_te_*} module.
 */
public final class SdLoraTargets {
    public static final String UNET = "unet.";
    public static final String TEXT_ENCODER = "text_encoder.";
    /** kohya's UNet class: every Linear and 1x1 Conv2d inside a Transformer2DModel (what the UNet exposes). */
    static final String TRANSFORMER_2D = "Transformer2DModel";
    static final Map<String, List<String>> CLASSES = Map.of(
            TRANSFORMER_2D, List.of("proj_in", "proj_out", "to_q", "to_k", "to_v", "to_out.0", "ff.net.0.proj",
                    "ff.net.2"),
            "CLIPAttention", List.of("q_proj", "k_proj", "v_proj", "out_proj"),
            "CLIPMLP", List.of("fc1", "fc2"));
    static final Set<String> TEXT_CLASSES = Set.of("CLIPAttention", "CLIPMLP");

    private SdLoraTargets() {}

    /**
     * The projections LoRA may go into, prefixed; the text encoder's only when it is trained.
     *
     * @param textEncoder nullable (not trained)
     */
    public static Map<String, LoraLinear> linears(Map<String, LoraLinear> unet, Map<String, LoraLinear> textEncoder) {
        Map<String, LoraLinear> all = new LinkedHashMap<>();
        unet.forEach((k, v) -> all.put(UNET + k, v));
        if (textEncoder != null) {
            textEncoder.forEach((k, v) -> all.put(TEXT_ENCODER + k, v));
        }
        return all;
    }

    /**
     * {@code target_modules} as module-name targets: class names expanded, text encoder classes dropped when the
     * text encoder is not trained (kohya's {@code network_train_unet_only}).
     *
     * @throws IllegalArgumentException when nothing is left to train
     */
    public static List<String> expand(List<String> targetModules, boolean trainTextEncoder) {
        // the members' names are unique to their model (q_proj/fc1 exist only in CLIP, to_q/proj_in only in the UNet)
        Set<String> out = new LinkedHashSet<>();
        for (String t : targetModules) {
            if (!TEXT_CLASSES.contains(t) || trainTextEncoder) {
                out.addAll(CLASSES.getOrDefault(t, List.of(t)));
            }
        }
        List<String> result = new ArrayList<>(out);
        if (result.isEmpty()) {
            throw new IllegalArgumentException("target_modules " + targetModules + " name only text encoder modules"
                    + " but train_text_encoder is false; add Transformer2DModel (the UNet) or set"
                    + " train_text_encoder: true");
        }
        return result;
    }
}
