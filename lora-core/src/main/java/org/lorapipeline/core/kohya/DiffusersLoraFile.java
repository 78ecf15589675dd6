package org.lorapipeline.core.kohya;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.lorapipeline.core.safetensors.DType;
import org.lorapipeline.core.safetensors.SafetensorsWriter;
import org.lorapipeline.core.tensor.FloatTensor;

/**
 * {@code pytorch_lora_weights.safetensors} in the form current diffusers saves and {@code load_lora_weights} reads:
 * PEFT keys {@code unet.<module>.lora_A.weight} / {@code lora_B.weight} (and {@code text_encoder.<module>...}),
 * metadata {@code format: pt}.
 *
 * <p>This layout has no alpha tensor, and without {@code lora_adapter_metadata} diffusers sets lora_alpha = r
 * (scale 1). So alpha / r is baked into lora_B: the effective update {@code B' A = (alpha / r) B A} is the kohya
 * update exactly, with every diffusers version and without relying on adapter metadata (FORMATS.md section 3).
 */
public final class DiffusersLoraFile {
    public static final String FILE_NAME = "pytorch_lora_weights.safetensors";

    private DiffusersLoraFile() {}

    /** Writes F32 weights; see {@link #write(Path, List, DType)}. */
    public static Path write(Path dir, List<LoraModuleWeights> modules) {
        return write(dir, modules, DType.F32);
    }

    /**
     * @param modules names with component prefixes ({@code unet.}, {@code text_encoder.}), as diffusers keys need
     * @return {@code dir/pytorch_lora_weights.safetensors}
     */
    public static Path write(Path dir, List<LoraModuleWeights> modules, DType dtype) {
        if (modules.isEmpty()) {
            throw new IllegalArgumentException(dir + ": no LoRA modules to write");
        }
        SafetensorsWriter w = new SafetensorsWriter();
        Set<String> seen = new HashSet<>();
        for (LoraModuleWeights m : modules) {
            String name = m.module();
            if (!name.startsWith("unet.") && !name.startsWith("text_encoder.") && !name.startsWith("text_encoder_2.")) {
                throw new IllegalArgumentException("module '" + name + "' needs a unet./text_encoder. prefix for"
                        + " diffusers (resolve kohya names first)");
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException("module '" + name + "' given twice");
            }
            w.add(name + ".lora_A.weight", m.down(), dtype);
            w.add(name + ".lora_B.weight", scaled(m.up(), m.scale()), dtype);
        }
        Path file = dir.resolve(FILE_NAME);
        w.write(file);
        return file;
    }

    private static FloatTensor scaled(FloatTensor t, float scale) {
        float[] v = t.data().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] *= scale;
        }
        return new FloatTensor(t.shape(), v);
    }
}
