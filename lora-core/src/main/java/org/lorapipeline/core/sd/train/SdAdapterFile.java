package org.lorapipeline.core.sd.train;

import java.nio.file.Path;
import org.lorapipeline.core.lora.LoraModel;
import org.lorapipeline.core.safetensors.DType;
import org.lorapipeline.core.safetensors.SafetensorsFile;
import org.lorapipeline.core.safetensors.SafetensorsWriter;

/**
 * The adapter inside a Stable Diffusion checkpoint folder: {@code adapter_model.safetensors} with the LoRA model's
 * own keys ({@code base_model.model.unet.<path>.lora_A.weight}, ...) in F32, so a resume continues bit for bit. The
 * kohya file beside it is what users copy; this one is what resume reads.
 */
public final class SdAdapterFile {
    public static final String FILE = "adapter_model.safetensors";

    private SdAdapterFile() {}

    public static Path write(Path dir, LoraModel lora) {
        SafetensorsWriter w = new SafetensorsWriter()
                .metadata("lora_rank", Integer.toString(lora.config().r()))
                .metadata("lora_alpha", Double.toString(lora.config().loraAlpha()));
        lora.export().forEach((k, t) -> w.add(k, t.shape(), t.values(), DType.F32));
        Path file = dir.resolve(FILE);
        w.write(file);
        return file;
    }

    /** Loads a checkpoint's adapter; keys and shapes must match the injected adapters exactly. */
    public static void load(Path dir, LoraModel lora) {
        Path file = dir.resolve(FILE);
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new IllegalArgumentException("resume_from: " + dir + " has no " + FILE + "; it is not a Stable"
                    + " Diffusion checkpoint of this tool (to start from a LoRA file use network_weights)");
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            lora.load(f, file.toString());
        }
    }
}
