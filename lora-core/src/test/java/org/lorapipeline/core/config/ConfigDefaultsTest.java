package org.lorapipeline.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Defaults that depend on the model type, and YAML 1.1 spellings users write. */
class ConfigDefaultsTest {
    static RunConfig parse(String yaml) {
        return RunConfig.parse("base_model: m\ntrain_data_dir: d\noutput_dir: out/run1\n" + yaml, "run.yaml");
    }

    @Test
    void sdxlGetsLargerResolutionAndBuckets() {
        RunConfig sd15 = parse("model_type: sd15\n");
        RunConfig sdxl = parse("model_type: sdxl\n");

        assertThat(sd15.image().resolution()).isEqualTo(512);
        assertThat(sd15.image().maxBucketReso()).isEqualTo(1024);
        assertThat(sdxl.image().resolution()).isEqualTo(1024);
        assertThat(sdxl.image().maxBucketReso()).isEqualTo(2048);
        assertThat(sdxl.model().taskType()).isEqualTo(TaskType.TEXT_TO_IMAGE);
    }

    @Test
    void llamaModelTypeImpliesTextGeneration() {
        RunConfig c = parse("model_type: llama\n");

        assertThat(c.model().taskType()).isEqualTo(TaskType.TEXT_GENERATION);
        assertThat(c.lora().targetModules()).containsExactly("q_proj", "k_proj", "v_proj", "o_proj");
        assertThat(c.output().exportFormats()).containsExactly(ExportFormat.PEFT);
    }

    @Test
    void commonDefaults() {
        RunConfig c = parse("");

        assertThat(c.lora().rank()).isEqualTo(8);
        assertThat(c.lora().alpha()).isEqualTo(8.0);
        assertThat(c.lora().dropout()).isZero();
        assertThat(c.optim().batchSize()).isEqualTo(1);
        assertThat(c.optim().epochs()).isEqualTo(10);
        assertThat(c.optim().learningRate()).isEqualTo(1e-4);
        assertThat(c.optim().lrScheduler()).isEqualTo(LrScheduler.COSINE);
        assertThat(c.optim().weightDecay()).isEqualTo(0.01);
        assertThat(c.optim().adamEpsilon()).isEqualTo(1e-8);
        assertThat(c.optim().maxGradNorm()).isEqualTo(1.0);
        assertThat(c.optim().maxNonfiniteSteps()).isEqualTo(10);
        assertThat(c.runtime()).isEqualTo(new RuntimeSection(MixedPrecision.NO, 42, Device.AUTO));
        assertThat(c.diffusion().predictionType()).isEqualTo(PredictionType.EPSILON);
        assertThat(c.diffusion().sampleSampler()).isEqualTo(SampleSampler.DDIM);
        assertThat(c.diffusion().unetLr()).isNull();
        assertThat(c.image().enableBucket()).isTrue();
        assertThat(c.image().cacheLatents()).isTrue();
        assertThat(c.image().captionExtension()).isEqualTo(".caption");
        assertThat(c.output().outputName()).isEqualTo("run1");
        assertThat(c.output().loggingDir()).isEqualTo(Path.of("out/run1/logs"));
        assertThat(c.output().logEveryNSteps()).isEqualTo(10);
    }

    @Test
    void yaml11SpellingsAreReadAsUsersMeanThem() {
        assertThat(parse("mixed_precision: no\n").runtime().mixedPrecision()).isEqualTo(MixedPrecision.NO);
        assertThat(parse("mixed_precision: false\n").runtime().mixedPrecision()).isEqualTo(MixedPrecision.NO);
        assertThat(parse("mixed_precision: BF16\n").runtime().mixedPrecision()).isEqualTo(MixedPrecision.BF16);
        assertThat(parse("flip_aug: yes\n").image().flipAug()).isTrue();
        assertThat(parse("flip_aug: \"false\"\n").image().flipAug()).isFalse();
        assertThat(parse("learning_rate: 2e-4\n").optim().learningRate()).isEqualTo(2e-4);
        assertThat(parse("learning_rate: \"3e-4\"\n").optim().learningRate()).isEqualTo(3e-4);
        assertThat(parse("learning_rate: 1.5e-4\n").optim().learningRate()).isEqualTo(1.5e-4);
        assertThat(parse("learning_rate: 1E-3\n").optim().learningRate()).isEqualTo(1e-3);
        assertThat(parse("lora_alpha: 1\n").lora().alpha()).isEqualTo(1.0);
        assertThat(parse("lora_rank: \"16\"\n").lora().rank()).isEqualTo(16);
        assertThat(parse("max_steps: 1_000\n").optim().maxSteps()).isEqualTo(1000);
        assertThat(parse("device: cuda\n").runtime().device()).isEqualTo(new Device(Device.Kind.CUDA, 0));
        assertThat(parse("device: cuda:1\n").runtime().device().yamlName()).isEqualTo("cuda:1");
        assertThat(parse("output_name: on\n").output().outputName()).isEqualTo("on");
    }

    @Test
    void explicitNullLeavesOptionalKeysUnset() {
        RunConfig c = parse("unet_lr: ~\nresume_from:\n");
        assertThat(c.diffusion().unetLr()).isNull();
        assertThat(c.output().resumeFrom()).isNull();
    }

    @Test
    void warmupRatioTurnsIntoStepsRoundingUp() {
        RunConfig c = parse("warmup_ratio: 0.03\n");
        assertThat(c.optim().warmupSteps(1000)).isEqualTo(30);
        assertThat(c.optim().warmupSteps(101)).isEqualTo(4);
        assertThat(parse("warmup_steps: 7\n").optim().warmupSteps(1000)).isEqualTo(7);
    }

    @Test
    void rsloraScalesBySquareRootOfRank() {
        RunConfig c = parse("lora_rank: 16\nlora_alpha: 8\nuse_rslora: true\n");
        assertThat(c.lora().scale()).isEqualTo(2.0);
    }

    @Test
    void outputDirDefaultComesFromTheDataFolderWhenMissing() {
        RunConfig c = RunConfig.parse("base_model: m\ntrain_data_dir: ./data/faces/\n", "run.yaml");
        assertThat(c.output().outputDir()).isEqualTo(Path.of("./output/faces"));
        assertThat(c.output().exportFormats()).isEqualTo(List.of(ExportFormat.KOHYA));
    }
}
