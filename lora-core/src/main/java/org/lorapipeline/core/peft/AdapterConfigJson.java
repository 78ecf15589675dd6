package org.lorapipeline.core.peft;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.lorapipeline.core.tensor.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes {@code adapter_config.json}. Writing emits exactly peft 0.13.2's 24 keys, sorted, indent 2,
 * no trailing newline ({@code json.dumps(d, indent=2, sort_keys=True)}). Reading tolerates unknown keys (newer
 * peft versions add some) with a warning, and fills missing keys with peft defaults.
 */
public final class AdapterConfigJson {
    private static final Logger LOG = LoggerFactory.getLogger(AdapterConfigJson.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static final Set<String> KEYS = Set.of("alpha_pattern", "auto_mapping", "base_model_name_or_path", "bias",
            "fan_in_fan_out", "inference_mode", "init_lora_weights", "layer_replication", "layers_pattern",
            "layers_to_transform", "loftq_config", "lora_alpha", "lora_dropout", "megatron_config", "megatron_core",
            "modules_to_save", "peft_type", "r", "rank_pattern", "revision", "target_modules", "task_type",
            "use_dora", "use_rslora");

    private AdapterConfigJson() {}

    public static String toJson(AdapterConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("alpha_pattern", c.alpha_pattern());
        m.put("auto_mapping", c.auto_mapping());
        m.put("base_model_name_or_path", c.base_model_name_or_path());
        m.put("bias", c.bias());
        m.put("fan_in_fan_out", c.fan_in_fan_out());
        m.put("inference_mode", c.inference_mode());
        m.put("init_lora_weights", c.init_lora_weights());
        m.put("layer_replication", c.layer_replication());
        m.put("layers_pattern", c.layers_pattern());
        m.put("layers_to_transform", c.layers_to_transform());
        m.put("loftq_config", c.loftq_config());
        m.put("lora_alpha", pythonNumber(c.lora_alpha()));
        m.put("lora_dropout", c.lora_dropout());
        m.put("megatron_config", c.megatron_config());
        m.put("megatron_core", c.megatron_core());
        m.put("modules_to_save", c.modules_to_save());
        m.put("peft_type", c.peft_type());
        m.put("r", c.r());
        m.put("rank_pattern", c.rank_pattern());
        m.put("revision", c.revision());
        m.put("target_modules", c.target_modules());
        m.put("task_type", c.task_type());
        m.put("use_dora", c.use_dora());
        m.put("use_rslora", c.use_rslora());
        return PythonJson.dumps(m, 2);
    }

    /** peft types lora_alpha as int; a whole number is written as one ({@code 16}, not {@code 16.0}). */
    private static Object pythonNumber(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? (Object) (long) v : (Object) v;
    }

    public static void write(AdapterConfig config, Path file) {
        byte[] bytes = toJson(config).getBytes(StandardCharsets.UTF_8);
        try {
            AtomicFiles.write(file, out -> out.write(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static AdapterConfig read(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new PeftFormatException(file + ": no adapter_config.json; is this a PEFT adapter directory?");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Parses config text; {@code source} names the file in error messages. */
    public static AdapterConfig parse(String json, String source) {
        Map<String, Object> m;
        try {
            m = JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (JsonProcessingException e) {
            throw new PeftFormatException(source + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        Set<String> unknown = new TreeSet<>(m.keySet());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            LOG.warn("{}: ignoring keys peft 0.13.2 does not know: {}", source, unknown);
        }
        Object peftType = m.getOrDefault("peft_type", "LORA");
        if (!"LORA".equals(peftType)) {
            throw new PeftFormatException(source + ": peft_type is " + peftType + "; only LORA adapters are supported");
        }
        AdapterConfig d = AdapterConfig.defaults();
        try {
            return new AdapterConfig(
                    map(m, "alpha_pattern", d.alpha_pattern(), source),
                    map(m, "auto_mapping", d.auto_mapping(), source),
                    get(m, "base_model_name_or_path", String.class, d.base_model_name_or_path(), source),
                    get(m, "bias", String.class, d.bias(), source),
                    get(m, "fan_in_fan_out", Boolean.class, d.fan_in_fan_out(), source),
                    get(m, "inference_mode", Boolean.class, d.inference_mode(), source),
                    m.containsKey("init_lora_weights") ? m.get("init_lora_weights") : d.init_lora_weights(),
                    list(m, "layer_replication", source),
                    m.get("layers_pattern"),
                    m.get("layers_to_transform"),
                    map(m, "loftq_config", d.loftq_config(), source),
                    get(m, "lora_alpha", Number.class, d.lora_alpha(), source).doubleValue(),
                    get(m, "lora_dropout", Number.class, d.lora_dropout(), source).doubleValue(),
                    map(m, "megatron_config", d.megatron_config(), source),
                    get(m, "megatron_core", String.class, d.megatron_core(), source),
                    list(m, "modules_to_save", source),
                    "LORA",
                    get(m, "r", Integer.class, d.r(), source),
                    map(m, "rank_pattern", d.rank_pattern(), source),
                    get(m, "revision", String.class, d.revision(), source),
                    m.get("target_modules"),
                    get(m, "task_type", String.class, d.task_type(), source),
                    get(m, "use_dora", Boolean.class, d.use_dora(), source),
                    get(m, "use_rslora", Boolean.class, d.use_rslora(), source));
        } catch (IllegalArgumentException e) {
            throw new PeftFormatException(source + ": " + e.getMessage());
        }
    }

    private static <T> T get(Map<String, Object> m, String key, Class<T> type, T dflt, String source) {
        if (!m.containsKey(key)) {
            return dflt;
        }
        Object v = m.get(key);
        if (v == null) {
            if (type == Boolean.class || type == Number.class) {
                throw new PeftFormatException(source + ": key '" + key + "' must not be null");
            }
            return null;
        }
        if (!type.isInstance(v)) {
            throw new PeftFormatException(source + ": key '" + key + "' must be a " + type.getSimpleName()
                    + ", found " + v);
        }
        return type.cast(v);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> m, String key, Map<String, Object> dflt, String source) {
        if (!m.containsKey(key)) {
            return dflt;
        }
        Object v = m.get(key);
        if (v != null && !(v instanceof Map)) {
            throw new PeftFormatException(source + ": key '" + key + "' must be an object, found " + v);
        }
        return (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> list(Map<String, Object> m, String key, String source) {
        Object v = m.get(key);
        if (v != null && !(v instanceof List)) {
            throw new PeftFormatException(source + ": key '" + key + "' must be a list, found " + v);
        }
        return (List<T>) v;
    }
}
