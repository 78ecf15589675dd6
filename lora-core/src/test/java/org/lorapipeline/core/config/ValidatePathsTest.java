package org.lorapipeline.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading never touches paths; validatePaths() does, relative to the working directory. */
class ValidatePathsTest {
    static final String SD = """
            base_model: "./models/v1-5-pruned.safetensors"
            train_data_dir: "./data/style_train"
            metadata_path: "./data/style_train/metadata.csv"
            output_dir: "./output/my_style_lora"
            resume_from: "./output/my_style_lora/checkpoints/step-000100"
            """;

    @Test
    void existingPathsPass(@TempDir Path work) throws IOException {
        Files.createDirectories(work.resolve("models"));
        Files.writeString(work.resolve("models/v1-5-pruned.safetensors"), "x");
        Files.createDirectories(work.resolve("data/style_train"));
        Files.writeString(work.resolve("data/style_train/metadata.csv"), "filename,prompt\n");
        Files.createDirectories(work.resolve("output/my_style_lora/checkpoints/step-000100"));

        RunConfig c = RunConfig.parse(SD, "run.yaml");
        assertThat(c.validatePaths(work)).isSameAs(c);
    }

    @Test
    void missingPathsNameKeyLineAndResolvedAbsolutePath(@TempDir Path work) throws IOException {
        Files.createDirectories(work.resolve("data"));
        Files.writeString(work.resolve("data/style_train"), "a file, not a folder");
        RunConfig c = RunConfig.parse(SD, "run.yaml");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> c.validatePaths(work));

        assertThat(e.problems()).extracting(ConfigProblem::key)
                .containsExactly("base_model", "train_data_dir", "metadata_path", "resume_from");
        ConfigProblem base = e.problems().get(0);
        assertThat(base.line()).isEqualTo(1);
        assertThat(base.message()).isEqualTo("`./models/v1-5-pruned.safetensors` (resolved to "
                + work.resolve("models/v1-5-pruned.safetensors").toAbsolutePath().normalize()
                + ") does not exist; fix the path (relative paths start at the directory the run is started from)");
        assertThat(e.problems().get(1).message()).contains("is a file; give the folder that holds the images");
    }

    @Test
    void llmDataMayBeASingleJsonlFile(@TempDir Path work) throws IOException {
        Files.writeString(work.resolve("base.gguf"), "x");
        Files.writeString(work.resolve("train.jsonl"), "{\"text\": \"hi\"}\n");
        RunConfig c = RunConfig.parse("task_type: text-generation\nbase_model: base.gguf\ntrain_data_dir: train.jsonl\n"
                + "output_dir: out\nnetwork_weights: old\n", "llm.yaml");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> c.validatePaths(work));
        assertThat(e.problems()).extracting(ConfigProblem::format).singleElement().asString()
                .startsWith("llm.yaml:5:1: network_weights: `old` (resolved to ");
    }

    @Test
    void loadingAFileThatIsNotThereNamesTheAbsolutePath(@TempDir Path work) {
        Path missing = work.resolve("configs/nope.yaml");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> RunConfig.load(missing));
        assertThat(e.getMessage()).isEqualTo(missing + ": config file not found (looked at " + missing
                + "); check the path");
    }

    @Test
    void loadReadsAFileAndUsesItsNameInProblems(@TempDir Path work) throws IOException {
        Path file = work.resolve("bad.yaml");
        Files.writeString(file, "base_model: m\ntrain_data_dir: d\nlora_rank: 0\n");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> RunConfig.load(file));
        assertThat(e.getMessage()).isEqualTo(file + ":3:12: lora_rank: must be at least 1, got 0");

        Files.write(file, new byte[] {'a', ':', ' ', (byte) 0xff, '\n'});
        assertThat(catchThrowableOfType(ConfigException.class, () -> RunConfig.load(file)).getMessage())
                .endsWith("is not UTF-8 text; save the config as UTF-8");
    }
}
