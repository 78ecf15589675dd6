package org.lorapipeline.core.kohya;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.lorapipeline.core.safetensors.DType;
import org.lorapipeline.core.safetensors.SafetensorsFile;
import org.lorapipeline.core.safetensors.SafetensorsWriter;
import org.lorapipeline.core.tensor.FloatTensor;

/**
 * kohya/A1111 LoRA files ({@code <name>.lora_down.weight}, {@code .lora_up.weight}, 0-d {@code .alpha}, all in the
 * save precision, {@code ss_*}/{@code modelspec.*} metadata, {@code sshs_*} hashes), which A1111, ComfyUI and
 * diffusers' {@code load_lora_weights} read. The reader also takes diffusers LoRA files in every key style diffusers
 * has written, so a user can hand either to the pipeline.
 */
public final class KohyaLoraFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KohyaLoraFile() {}

    /**
     * Writes {@code modules} (module paths with component prefixes, or kohya names as read) with kohya names, then
     * adds {@code sshs_model_hash} and
     * {@code sshs_legacy_hash} computed as kohya does ({@link SshsHash}); the file is replaced atomically each time.
     *
     * @param dtype F16 (kohya's usual {@code --save_precision fp16}), BF16 or F32; alphas are stored in it too
     */
    public static void write(Path file, List<LoraModuleWeights> modules, Map<String, String> metadata, DType dtype) {
        if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
            throw new IllegalArgumentException("save precision must be F32, F16 or BF16, got " + dtype);
        }
        if (modules.isEmpty()) {
            throw new IllegalArgumentException(file + ": no LoRA modules to write");
        }
        SafetensorsWriter w = new SafetensorsWriter().metadata(metadata);
        Set<String> names = new HashSet<>();
        for (LoraModuleWeights m : modules) {
            String k = KohyaKeys.isKohyaName(m.module()) ? m.module() : KohyaKeys.toKohya(m.module());
            if (!names.add(k)) {
                throw new IllegalArgumentException("two modules map to the kohya name " + k + " (last: " + m.module()
                        + ")");
            }
            w.add(k + KohyaKeys.LORA_DOWN, m.down(), dtype);
            w.add(k + KohyaKeys.LORA_UP, m.up(), dtype);
            w.add(k + KohyaKeys.ALPHA, new long[0], new float[] {m.alpha()}, dtype);
        }
        w.write(file);
        SshsHash.addHashes(file);
    }

    /**
     * Reads a kohya or diffusers LoRA file; every tensor is widened to float.
     *
     * @throws LoraFormatException when the file has neither layout, or a module lacks its partner
     */
    public static KohyaLora read(Path file) {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            List<String> names = f.names();
            if (names.isEmpty()) {
                throw new LoraFormatException(file + ": holds no tensors, so it is no LoRA");
            }
            if (names.stream().allMatch(KohyaKeys::isKohyaName)) {
                return readKohya(file, f);
            }
            if (names.stream().anyMatch(n -> DiffusersLoraKeys.parse(n).isPresent())) {
                return readDiffusers(file, f);
            }
            throw new LoraFormatException(file + ": neither a kohya LoRA (lora_unet_*/lora_te_* keys with"
                    + " .lora_down/.lora_up/.alpha) nor a diffusers LoRA (unet.*.lora_A/lora_B); first keys: "
                    + names.subList(0, Math.min(5, names.size())));
        }
    }

    private static KohyaLora readKohya(Path file, SafetensorsFile f) {
        Map<String, FloatTensor[]> parts = new LinkedHashMap<>(); // name -> {down, up, alpha}
        for (String key : f.names()) {
            int slot;
            String base;
            if (key.endsWith(KohyaKeys.LORA_DOWN)) {
                slot = 0;
                base = key.substring(0, key.length() - KohyaKeys.LORA_DOWN.length());
            } else if (key.endsWith(KohyaKeys.LORA_UP)) {
                slot = 1;
                base = key.substring(0, key.length() - KohyaKeys.LORA_UP.length());
            } else if (key.endsWith(KohyaKeys.ALPHA)) {
                slot = 2;
                base = key.substring(0, key.length() - KohyaKeys.ALPHA.length());
            } else {
                throw new LoraFormatException(file + ": key '" + key + "' is not lora_down/lora_up/alpha; LoHa, LoKr"
                        + " and other LyCORIS types are not read");
            }
            parts.computeIfAbsent(base, b -> new FloatTensor[3])[slot] = f.tensor(key);
        }
        List<LoraModuleWeights> modules = new ArrayList<>();
        parts.forEach((name, p) -> modules.add(module(file, name, p[0], p[1], p[2], null)));
        modules.sort(java.util.Comparator.comparing(LoraModuleWeights::module));
        return KohyaLora.of(modules, f.metadata(), KohyaLora.Format.KOHYA);
    }

    private static KohyaLora readDiffusers(Path file, SafetensorsFile f) {
        Map<String, FloatTensor[]> parts = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (String key : f.names()) {
            DiffusersLoraKeys.parse(key).ifPresentOrElse(
                    p -> parts.computeIfAbsent(p.module(), b -> new FloatTensor[3])[p.kind().ordinal()] = f.tensor(key),
                    () -> unknown.add(key));
        }
        if (!unknown.isEmpty()) {
            throw new LoraFormatException(file + ": diffusers LoRA with keys of no known style (DoRA or another"
                    + " adapter type?): " + unknown.subList(0, Math.min(5, unknown.size())));
        }
        JsonNode config = adapterMetadata(file, f.metadata());
        List<LoraModuleWeights> modules = new ArrayList<>();
        parts.forEach((name, p) -> modules.add(module(file, name, p[0], p[1], p[2], configAlpha(config, name))));
        modules.sort(java.util.Comparator.comparing(LoraModuleWeights::module));
        return KohyaLora.of(modules, f.metadata(), KohyaLora.Format.DIFFUSERS);
    }

    /**
     * @param alphaTensor  the stored alpha, if any
     * @param configAlpha  alpha from diffusers' {@code lora_adapter_metadata}, if any
     */
    private static LoraModuleWeights module(Path file, String name, FloatTensor down, FloatTensor up,
                                            FloatTensor alphaTensor, Float configAlpha) {
        if (down == null || up == null) {
            throw new LoraFormatException(file + ": module " + name + " has " + (down == null ? "no down/lora_A"
                    : "no up/lora_B") + " weight");
        }
        float alpha;
        if (alphaTensor != null) {
            alpha = alphaTensor.data()[0];
        } else if (configAlpha != null) {
            alpha = configAlpha;
        } else {
            alpha = down.shape()[0]; // no alpha stored: scale 1 (kohya and diffusers alike)
        }
        try {
            return new LoraModuleWeights(name, down, up, alpha);
        } catch (IllegalArgumentException e) {
            throw new LoraFormatException(file + ": " + e.getMessage());
        }
    }

    private static JsonNode adapterMetadata(Path file, Map<String, String> metadata) {
        String text = metadata.get("lora_adapter_metadata");
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new LoraFormatException(file + ": metadata lora_adapter_metadata is not JSON: " + e.getMessage());
        }
    }

    /** {@code <component>.alpha_pattern} entry matching the module's tail, else {@code <component>.lora_alpha}. */
    private static Float configAlpha(JsonNode config, String module) {
        if (config == null) {
            return null;
        }
        String component = DiffusersLoraKeys.component(module);
        String path = module.substring(component.length() + 1);
        JsonNode patterns = config.get(component + ".alpha_pattern");
        if (patterns != null && patterns.isObject()) {
            for (var it = patterns.fields(); it.hasNext(); ) {
                var e = it.next();
                if (path.equals(e.getKey()) || path.endsWith("." + e.getKey())) {
                    return (float) e.getValue().asDouble();
                }
            }
        }
        JsonNode alpha = config.get(component + ".lora_alpha");
        return alpha != null && alpha.isNumber() ? (float) alpha.asDouble() : null;
    }
}
