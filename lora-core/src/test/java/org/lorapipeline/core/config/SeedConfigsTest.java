package org.lorapipeline.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The configs printed in the seed blog posts must load as users wrote them. */
class SeedConfigsTest {

    static String seed(String name) {
        try (InputStream in = SeedConfigsTest.class.getResourceAsStream("seeds/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void sdStyleSeedLoadsWithTheSeedsValuesAndSdDefaults() {
        RunConfig c = RunConfig.parse(seed("sd_my_style.yaml"), "my_lora_config.yaml");

        assertThat(c.family()).isEqualTo(ModelFamily.SD);
        assertThat(c.model().modelType()).isEqualTo(ModelType.AUTO);
        assertThat(c.model().taskType()).isEqualTo(TaskType.TEXT_TO_IMAGE);
        assertThat(c.model().baseModel()).isEqualTo(Path.of("./models/Stable-diffusion/v1-5-pruned.safetensors"));
        assertThat(c.data().trainDataDir()).isEqualTo(Path.of("./data/style_train"));
        assertThat(c.data().metadataPath()).isEqualTo(Path.of("./data/style_train/metadata.csv"));
        assertThat(c.lora().rank()).isEqualTo(8);
        assertThat(c.lora().alpha()).isEqualTo(8.0);
        assertThat(c.lora().scale()).isEqualTo(1.0);
        assertThat(c.optim().batchSize()).isEqualTo(4);
        assertThat(c.optim().epochs()).isEqualTo(10);
        assertThat(c.optim().maxSteps()).isNull();
        // `2e-4` has no dot, so YAML 1.1 calls it a string; it must still be the number 0.0002.
        assertThat(c.optim().learningRate()).isEqualTo(2e-4);
        assertThat(c.output().outputDir()).isEqualTo(Path.of("./output/my_style_lora"));
        assertThat(c.output().outputName()).isEqualTo("my_style_lora");
        assertThat(c.output().loggingDir()).isEqualTo(Path.of("./output/my_style_lora/logs"));
        assertThat(c.output().saveSteps()).isEqualTo(100);
        assertThat(c.output().exportFormats()).containsExactly(ExportFormat.KOHYA);
        assertThat(c.image().resolution()).isEqualTo(512);
        assertThat(c.image().minResolution()).isEqualTo(512);
        assertThat(c.lora().targetModules()).containsExactly("Transformer2DModel", "CLIPAttention", "CLIPMLP");
        assertThat(c.text()).isNull();
        assertThat(c.origin().source()).isEqualTo("my_lora_config.yaml");
    }

    @Test
    void cyberInkSeedLoads() {
        RunConfig c = RunConfig.parse(seed("sd_cyber_ink.yaml"), "cyber_ink.yaml");

        assertThat(c.model().baseModel()).isEqualTo(Path.of("./models/v1-5-pruned.safetensors"));
        assertThat(c.data().metadataPath()).isNull();
        assertThat(c.optim().epochs()).isEqualTo(15);
        assertThat(c.output().outputName()).isEqualTo("cyber_ink_lora");
        assertThat(c.output().saveSteps()).isZero();
    }

    @Test
    void cyberpunkSeedKeepsItsTargetModules() {
        RunConfig c = RunConfig.parse(seed("sd_cyberpunk.yaml"), "cyberpunk_lora.yaml");

        assertThat(c.family()).isEqualTo(ModelFamily.SD);
        assertThat(c.lora().rank()).isEqualTo(16);
        assertThat(c.lora().alpha()).isEqualTo(16.0);
        assertThat(c.lora().targetModules()).containsExactly("q_proj", "v_proj");
        assertThat(c.optim().epochs()).isEqualTo(15);
    }

    @Test
    void llamaSeedLoadsEvenWithAGgmlBaseModelAndNoOutputDir() {
        RunConfig c = RunConfig.parse(seed("llama_customer_service.yaml"), "customer_service.yaml");

        assertThat(c.family()).isEqualTo(ModelFamily.LLM);
        // The ggml .bin is the model loader's to reject; the config itself is fine.
        assertThat(c.model().baseModel()).isEqualTo(Path.of("./models/llama-2-7b-chat.ggmlv3.q4_0.bin"));
        assertThat(c.text().maxSeqLength()).isEqualTo(512);
        assertThat(c.text().responseTemplate()).isEqualTo("### Response:");
        assertThat(c.lora().rank()).isEqualTo(16);
        assertThat(c.lora().alpha()).isEqualTo(32.0);
        assertThat(c.lora().scale()).isEqualTo(2.0);
        assertThat(c.lora().dropout()).isEqualTo(0.1);
        assertThat(c.lora().targetModules()).containsExactly("q_proj", "k_proj", "v_proj", "o_proj");
        assertThat(c.optim().epochs()).isEqualTo(10);
        assertThat(c.output().outputDir()).isEqualTo(Path.of("./output/customer_service"));
        assertThat(c.output().outputName()).isEqualTo("customer_service");
        assertThat(c.output().exportFormats()).isEqualTo(List.of(ExportFormat.PEFT));
        assertThat(c.image()).isNull();
        assertThat(c.diffusion()).isNull();
    }
}
