package org.lorapipeline.core.peft;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.lorapipeline.core.safetensors.DType;
import org.lorapipeline.core.safetensors.SafetensorsFile;
import org.lorapipeline.core.safetensors.SafetensorsWriter;
import org.lorapipeline.core.tensor.FloatTensor;

/**
 * A PEFT LoRA adapter directory: {@code adapter_config.json} + {@code adapter_model.safetensors}
 * ({@code format: pt}). Tensors are keyed by their file names ({@link PeftKeys}), in file order.
 */
public record PeftAdapter(AdapterConfig config, Map<String, FloatTensor> tensors) {
    public static final String CONFIG_FILE = "adapter_config.json";
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";

    public PeftAdapter {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /** Reads a PEFT directory; every tensor is widened to float. */
    public static PeftAdapter read(Path dir) {
        AdapterConfig config = AdapterConfigJson.read(dir.resolve(CONFIG_FILE));
        Path weights = dir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(weights)) {
            String hint = Files.exists(dir.resolve("adapter_model.bin"))
                    ? " (found adapter_model.bin: pickled weights are not read; re-save with safe_serialization=True)"
                    : "";
            throw new PeftFormatException(weights + ": missing" + hint);
        }
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(weights)) {
            for (String name : f.names()) {
                tensors.put(name, f.tensor(name));
            }
        }
        return new PeftAdapter(config, tensors);
    }

    /** Writes F32 weights. */
    public void write(Path dir) {
        write(dir, DType.F32);
    }

    /** Writes the directory, weights stored as {@code dtype} (F32, F16 or BF16); each file written atomically. */
    public void write(Path dir, DType dtype) {
        validate();
        SafetensorsWriter w = new SafetensorsWriter();
        tensors.forEach((name, t) -> w.add(name, t, dtype));
        w.write(dir.resolve(WEIGHTS_FILE));
        AdapterConfigJson.write(config, dir.resolve(CONFIG_FILE));
    }

    /** Each lora_A has its lora_B and their ranks agree: A [r, in], B [out, r]. */
    public void validate() {
        for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
            String key = e.getKey();
            if (!key.endsWith(PeftKeys.LORA_A)) {
                continue;
            }
            String module = PeftKeys.modulePath(key).orElseThrow();
            FloatTensor b = tensors.get(PeftKeys.loraB(module));
            if (b == null) {
                throw new PeftFormatException("adapter has " + key + " but no " + PeftKeys.loraB(module));
            }
            long[] as = e.getValue().shape();
            long[] bs = b.shape();
            if (as.length != 2 || bs.length != 2 || as[0] != bs[1]) {
                throw new PeftFormatException(module + ": lora_A " + Arrays.toString(as) + " and lora_B "
                        + Arrays.toString(bs) + " must be [r, in] and [out, r] with the same r");
            }
        }
        for (String key : tensors.keySet()) {
            if (key.endsWith(PeftKeys.LORA_B)
                    && !tensors.containsKey(PeftKeys.loraA(PeftKeys.modulePath(key).orElseThrow()))) {
                throw new PeftFormatException("adapter has " + key + " but no matching lora_A");
            }
        }
    }
}
