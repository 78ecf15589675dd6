package org.lorapipeline.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lorapipeline.core.config.ExportFormat;
import org.lorapipeline.core.config.RunConfig;
import org.lorapipeline.schemas.Topics;

class JobRouteTest {
    private static RunConfig llm(String extra) {
        return RunConfig.parse("base_model: \"s3://lora/models/tiny\"\ntask_type: \"text-generation\"\n"
                + "train_data_dir: \"./data\"\noutput_dir: \"./out\"\n" + extra, "run.yaml");
    }

    private static RunConfig sd(String extra) {
        return RunConfig.parse("base_model: \"./models/v1-5.safetensors\"\ntrain_data_dir: \"./img\"\n"
                + "output_dir: \"./out\"\n" + extra, "run.yaml");
    }

    @Test
    void cudaRunsNeedAGpuAndEverythingElseGoesToTheSharedQueue() {
        assertThat(JobRoute.of(llm("device: \"cuda:1\"\n")).requiresGpu()).isTrue();
        assertThat(JobRoute.of(llm("device: \"auto\"\n")).requiresGpu()).isFalse();
        assertThat(JobRoute.of(llm("device: \"cpu\"\n")).requiresGpu()).isFalse();
    }

    @Test
    void modelTypeComesFromModelTypeOrTheTasksFamily() {
        assertThat(JobRoute.of(llm("")).modelType()).isEqualTo("llama");
        assertThat(JobRoute.of(sd("")).modelType()).isEqualTo("sd15");
        assertThat(JobRoute.of(sd("model_type: \"sdxl\"\n")).modelType()).isEqualTo("sdxl");
        assertThatThrownBy(() -> new JobRoute("gpt2", false, List.of())).hasMessageContaining("modelType");
    }

    @Test
    void exportFormatsAreKeptAsWrittenAndWorkersTrainOnlyTheCanonicalOne() {
        RunConfig c = llm("export_formats: [\"gguf\", \"peft\"]\n");
        assertThat(JobRoute.of(c).exportFormats()).containsExactly("gguf", "peft");
        assertThat(JobRoute.canonicalFormat(c)).isEqualTo(ExportFormat.PEFT);
        assertThat(JobRoute.canonicalFormat(sd(""))).isEqualTo(ExportFormat.KOHYA);
    }

    @Test
    void s3UrisSurviveTheConfigsPathType() {
        RunConfig c = llm("");
        assertThat(RunWorkspace.uri(c.model().baseModel())).isEqualTo("s3://lora/models/tiny");
        assertThat(RunWorkspace.uri(Path.of("./models/tiny"))).isEqualTo("./models/tiny");
    }

    @Test
    void workersTakeTheQueueTheirEnvironmentNames() {
        assertThat(TrainSettings.fromEnvironment(Map.of()).jobsTopic()).isEqualTo(Topics.TRAINING_REQUESTED);
        assertThat(TrainSettings.fromEnvironment(Map.of("LORA_TRAIN_QUEUE", "gpu")).jobsTopic())
                .isEqualTo(Topics.GPU_TRAINING_REQUESTED);
        assertThat(TrainSettings.fromEnvironment(Map.of("LORA_TRAIN_ROLES", "worker")).router()).isFalse();
        assertThatThrownBy(() -> TrainSettings.fromEnvironment(Map.of("LORA_TRAIN_QUEUE", "tpu")))
                .hasMessageContaining("LORA_TRAIN_QUEUE");
        assertThatThrownBy(() -> TrainSettings.fromEnvironment(Map.of("LORA_TRAIN_PROGRESS_STEPS", "0")))
                .hasMessageContaining("LORA_TRAIN_PROGRESS_STEPS");
    }
}
