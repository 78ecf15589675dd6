package org.lorapipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.config.RunConfig;

class RunSubmitterTest {
    @Test
    void theBaseModelLineIsReplacedAndTheRestKeptAsWritten() {
        String yaml = "# my run\nbase_model: \"./models/tiny\"  # local\ntask_type: \"text-generation\"\n"
                + "train_data_dir: \"./data\"\noutput_dir: \"./out\"\n";
        String out = RunSubmitter.withBaseModel(yaml, "s3://lora/models/tiny-0123abcd", Path.of("run.yaml"));
        assertThat(out).startsWith("# my run\nbase_model: \"s3://lora/models/tiny-0123abcd\"\ntask_type:");
        assertThat(RunConfig.parse(out, "run.yaml").model().baseModel().toString()).isEqualTo("s3:/lora/models/tiny-0123abcd");
        assertThatThrownBy(() -> RunSubmitter.withBaseModel("task_type: x\n", "s3://a/b", Path.of("run.yaml")))
                .hasMessageContaining("base_model");
    }

    @Test
    void theContentHashChangesWithAnyFileAndNotWithTheFolderName(@TempDir Path dir) throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Files.writeString(a.resolve("config.json"), "{}");
        Files.writeString(a.resolve("model.safetensors"), "weights");
        Path b = Files.createDirectories(dir.resolve("b"));
        Files.writeString(b.resolve("config.json"), "{}");
        Files.writeString(b.resolve("model.safetensors"), "weights");
        assertThat(RunSubmitter.contentHash(a)).isEqualTo(RunSubmitter.contentHash(b)).hasSize(64);
        Files.writeString(b.resolve("model.safetensors"), "other weights");
        assertThat(RunSubmitter.contentHash(a)).isNotEqualTo(RunSubmitter.contentHash(b));
    }
}
