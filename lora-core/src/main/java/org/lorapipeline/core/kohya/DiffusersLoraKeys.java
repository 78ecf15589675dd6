package org.lorapipeline.core.kohya;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The key styles diffusers has written for LoRA weights, as data (FORMATS.md section 3):
 * PEFT ({@code unet.<m>.lora_A.weight}), diffusers 0.2x ({@code unet.<m>.lora.down.weight},
 * {@code text_encoder.<m>.lora_linear_layer.down.weight}) and the 2023 attention processors
 * ({@code <m>.processor.to_q_lora.down.weight}, UNet only, no prefix). {@code <m>.alpha} carries network_alphas.
 */
final class DiffusersLoraKeys {
    /** A parsed key: which module it belongs to and which part it is. */
    record Part(String module, Kind kind) {}

    enum Kind { DOWN, UP, ALPHA }

    private record Style(Pattern pattern, Kind kind) {}

    private static final List<Style> STYLES = List.of(
            new Style(Pattern.compile("(.+)\\.lora_A\\.weight"), Kind.DOWN),
            new Style(Pattern.compile("(.+)\\.lora_B\\.weight"), Kind.UP),
            new Style(Pattern.compile("(.+)\\.lora\\.down\\.weight"), Kind.DOWN),
            new Style(Pattern.compile("(.+)\\.lora\\.up\\.weight"), Kind.UP),
            new Style(Pattern.compile("(.+)\\.lora_linear_layer\\.down\\.weight"), Kind.DOWN),
            new Style(Pattern.compile("(.+)\\.lora_linear_layer\\.up\\.weight"), Kind.UP),
            new Style(Pattern.compile("(.+)\\.alpha"), Kind.ALPHA));
    /** {@code attn1.processor.to_out_lora.down.weight} -> module {@code attn1.to_out.0}. */
    private static final Pattern PROCESSOR = Pattern.compile(
            "(.+)\\.processor\\.(to_q|to_k|to_v|to_out)_lora\\.(down|up)\\.weight");
    private static final List<String> COMPONENTS = List.of("unet.", "text_encoder.", "text_encoder_2.");

    private DiffusersLoraKeys() {}

    static Optional<Part> parse(String key) {
        Matcher p = PROCESSOR.matcher(key);
        if (p.matches()) {
            String proj = p.group(2).equals("to_out") ? "to_out.0" : p.group(2);
            return Optional.of(new Part(withComponent(p.group(1) + "." + proj),
                    p.group(3).equals("down") ? Kind.DOWN : Kind.UP));
        }
        for (Style s : STYLES) {
            Matcher m = s.pattern().matcher(key);
            if (m.matches()) {
                return Optional.of(new Part(withComponent(m.group(1)), s.kind()));
            }
        }
        return Optional.empty();
    }

    /** Keys without a component were written by UNet-only attention processors. */
    private static String withComponent(String module) {
        return COMPONENTS.stream().anyMatch(module::startsWith) ? module : "unet." + module;
    }

    /** The component prefix of a module path ({@code unet}, {@code text_encoder}, {@code text_encoder_2}). */
    static String component(String module) {
        return module.substring(0, module.indexOf('.'));
    }
}
