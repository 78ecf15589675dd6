package org.lorapipeline.core.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The one run config: a flat YAML file (the seeds' {@code configs/lora_default.yaml} style) read into
 * records grouped by concern. {@code text} is present only for LLM configs; {@code image} and
 * {@code diffusion} only for Stable Diffusion configs.
 *
 * <p>Paths stay as written, relative to the working directory (where {@code lora} runs), like the seeds'
 * {@code python train.py}. Loading never touches them, because services load configs whose data is in S3;
 * call {@link #validatePaths()} before a local run.
 *
 * <p>Equality compares the settings and ignores {@link #origin()}.
 */
public record RunConfig(ModelSection model, DataSection data, TextSection text, ImageSection image, LoraSection lora,
                        OptimSection optim, DiffusionSection diffusion, RuntimeSection runtime, OutputSection output,
                        ConfigOrigin origin) {
    public RunConfig {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(lora, "lora");
        Objects.requireNonNull(optim, "optim");
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(output, "output");
        origin = origin == null ? ConfigOrigin.inCode() : origin;
        boolean llm = model.family() == ModelFamily.LLM;
        if (llm != (text != null) || llm == (image != null) || llm == (diffusion != null)) {
            throw new IllegalArgumentException("task_type: " + model.taskType().yamlName() + " configs need "
                    + (llm ? "a text section and no image/diffusion sections" : "image and diffusion sections and no text section"));
        }
        if (llm && data.metadataPath() != null) {
            throw new IllegalArgumentException("metadata_path: only used by text-to-image configs");
        }
        List<CrossFieldRules.Violation> violations =
                CrossFieldRules.check(model, text, image, lora, optim, diffusion, runtime, output);
        if (!violations.isEmpty()) {
            CrossFieldRules.Violation v = violations.get(0);
            throw new IllegalArgumentException(v.keys().get(0).name() + ": " + v.message());
        }
    }

    /** Reads and checks a config file; throws {@link ConfigException} listing every problem. */
    public static RunConfig load(Path file) {
        String source = file.toString();
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (NoSuchFileException e) {
            throw single(source, "config file not found (looked at " + file.toAbsolutePath().normalize()
                    + "); check the path");
        } catch (CharacterCodingException e) {
            throw single(source, "is not UTF-8 text; save the config as UTF-8");
        } catch (IOException e) {
            throw single(source, "cannot read the config file: " + e);
        }
        return parse(text, source);
    }

    /** Checks YAML text; {@code sourceName} is used in problem messages (a file name, or e.g. "request 42"). */
    public static RunConfig parse(String yaml, String sourceName) {
        List<ConfigProblem> problems = new ArrayList<>();
        YamlDocument doc = YamlDocument.read(yaml, sourceName, problems);
        RunConfig config = doc == null ? null : RunConfigBinder.bind(doc, sourceName, problems);
        if (!problems.isEmpty()) {
            problems.sort(ConfigProblem.BY_POSITION);
            throw new ConfigException(problems);
        }
        return config;
    }

    /** The effective config (defaults filled in) as flat YAML, for {@code output_dir/config.yaml}. */
    public String toYaml() {
        return ConfigWriter.write(this);
    }

    public ModelFamily family() {
        return model.family();
    }

    /** Checks that the input files exist, relative to the current working directory. */
    public RunConfig validatePaths() {
        return validatePaths(Path.of("").toAbsolutePath());
    }

    /** Checks that base_model, train_data_dir, metadata_path, tokenizer_path, network_weights, resume_from exist. */
    public RunConfig validatePaths(Path workingDir) {
        List<ConfigProblem> problems = PathCheck.missing(this, workingDir);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RunConfig r && model.equals(r.model) && data.equals(r.data) && Objects.equals(text, r.text)
                && Objects.equals(image, r.image) && lora.equals(r.lora) && optim.equals(r.optim)
                && Objects.equals(diffusion, r.diffusion) && runtime.equals(r.runtime) && output.equals(r.output);
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, data, text, image, lora, optim, diffusion, runtime, output);
    }

    private static ConfigException single(String source, String message) {
        return new ConfigException(List.of(new ConfigProblem(source, 0, 0, null, message)));
    }
}
