package org.lorapipeline.core.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.lorapipeline.core.config.ModelFamily;

/**
 * Which family a base model checkpoint belongs to, read from its files alone: a diffusers pipeline folder
 * ({@code model_index.json} or {@code unet/}) or a {@code .safetensors} single file is Stable Diffusion, a folder
 * with a transformers {@code config.json} is a causal LM. {@code model_type: auto} runs dispatch on this.
 */
final class BaseModelKind {
    private BaseModelKind() {}

    static Optional<ModelFamily> detect(Path base) {
        if (Files.isRegularFile(base)) {
            String name = base.getFileName().toString();
            return name.endsWith(".safetensors") || name.endsWith(".ckpt") ? Optional.of(ModelFamily.SD)
                    : Optional.empty();
        }
        if (Files.isRegularFile(base.resolve("model_index.json")) || Files.isDirectory(base.resolve("unet"))) {
            return Optional.of(ModelFamily.SD);
        }
        if (Files.isRegularFile(base.resolve("config.json"))) {
            return Optional.of(ModelFamily.LLM);
        }
        return Optional.empty();
    }
}
