package org.lorapipeline.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.lorapipeline.runtime.PoisonEventException;

class TrainedRunConfigTest {
    @Test
    void keepsAnS3BaseModelUriIntactAndReadsOutputName() {
        TrainedRunConfig c = parse("model_type: llama\nbase_model: s3://lora/models/tiny/\ntrain_data_dir: d.jsonl\n"
                + "output_dir: out\noutput_name: chat_v2\n");
        assertThat(c.baseModel()).isEqualTo("s3://lora/models/tiny/");
        assertThat(c.outputName()).isEqualTo("chat_v2");
    }

    @Test
    void invalidConfigIsPoisonNamingTheSource() {
        assertThatThrownBy(() -> parse("base_model: m\ntrain_data_dir: d\nlora_rank: many\n"))
                .isInstanceOf(PoisonEventException.class).hasMessageContaining("s3://b/runs/r/config.yaml")
                .hasMessageContaining("lora_rank");
    }

    private static TrainedRunConfig parse(String yaml) {
        return TrainedRunConfig.parse(yaml.getBytes(StandardCharsets.UTF_8), "s3://b/runs/r/config.yaml");
    }
}
