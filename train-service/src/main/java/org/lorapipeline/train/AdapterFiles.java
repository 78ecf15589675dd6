package org.lorapipeline.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.lorapipeline.core.peft.AdapterConfigJson;
import org.lorapipeline.core.run.RunResult;

/**
 * Gathers the final adapter into one folder for {@code runs/<runId>/adapter/}: the files the run wrote for its
 * canonical format (for LLaMA the PEFT pair {@code adapter_config.json} + {@code adapter_model.safetensors}, for
 * Stable Diffusion the kohya {@code <output_name>.safetensors}) and, when the base model is a Hugging Face folder,
 * its {@code config.json} as {@code base_config.json}, which exports such as GGUF need without the base model. A PEFT
 * {@code adapter_config.json} names the base model as submitted ({@code s3://...}), not the worker's cache path.
 * Model-agnostic on purpose: it copies what the run reported, never names a family's files.
 */
final class AdapterFiles {
    static final String BASE_CONFIG = "base_config.json";

    private AdapterFiles() {}

    static Path stage(RunResult result, String format, Path baseModel, String submittedBaseModel, Path stage)
            throws IOException {
        Path exported = result.exports().get(format);
        if (exported == null) {
            throw new IllegalStateException("the run wrote no " + format + " adapter (it wrote " + result.exports().keySet() + ")");
        }
        Files.createDirectories(stage);
        if (Files.isRegularFile(exported)) {
            Files.copy(exported, stage.resolve(exported.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        } else {
            // the output folder also holds the effective config.yaml, checkpoints and logs: only its top-level
            // files besides config.yaml are the adapter
            try (Stream<Path> files = Files.list(exported)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    String name = f.getFileName().toString();
                    if (!name.equals("config.yaml") && !name.startsWith(".")) {
                        Files.copy(f, stage.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        Path peftConfig = stage.resolve("adapter_config.json");
        if (Files.isRegularFile(peftConfig)) {
            // LoraRun wrote the worker's cache path; readers of the adapter need the model as the user named it
            AdapterConfigJson.write(AdapterConfigJson.read(peftConfig).withBaseModel(submittedBaseModel), peftConfig);
        }
        Path baseConfig = baseModel.resolve("config.json");
        if (Files.isDirectory(baseModel) && Files.isRegularFile(baseConfig)) {
            Files.copy(baseConfig, stage.resolve(BASE_CONFIG), StandardCopyOption.REPLACE_EXISTING);
        }
        return stage;
    }
}
