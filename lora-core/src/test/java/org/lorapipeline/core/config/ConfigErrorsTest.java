package org.lorapipeline.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each class of user error gives a located problem that names the key and says what to do. */
class ConfigErrorsTest {
    static final String BASE = """
            base_model: "./models/v1-5-pruned.safetensors"
            train_data_dir: "./data/style_train"
            output_dir: "./output/x"
            """;

    static List<ConfigProblem> problems(String yaml) {
        try {
            RunConfig.parse(yaml, "run.yaml");
        } catch (ConfigException e) {
            assertThat(e.getMessage().split("\n")).hasSize(e.problems().size());
            return e.problems();
        }
        throw new AssertionError("expected problems in:\n" + yaml);
    }

    static ConfigProblem only(String yaml) {
        List<ConfigProblem> p = problems(yaml);
        assertThat(p).as("problems").hasSize(1);
        return p.get(0);
    }

    @Test
    void unknownKeyNamesLineColumnAndSuggestsTheClosestKey() {
        ConfigProblem p = only(BASE + "  \nlora_rnak: 8\n");

        assertThat(p.line()).isEqualTo(5);
        assertThat(p.column()).isEqualTo(1);
        assertThat(p.key()).isEqualTo("lora_rnak");
        assertThat(p.format()).startsWith("run.yaml:5:1: lora_rnak: unknown key; did you mean `lora_rank`?");
    }

    @Test
    void unknownKeySuggestionsCoverKohyaAliasesAndPeftShortNames() {
        assertThat(only(BASE + "network_dimm: 8\n").message()).contains("did you mean `network_dim`?");
        assertThat(only(BASE + "dropout: 0.1\n").message()).contains("did you mean `lora_dropout`?");
        assertThat(only(BASE + "completely_different: 1\n").message()).doesNotContain("did you mean");
    }

    @Test
    void nestedSectionsAreExplainedAsUnknownKeysOfAFlatConfig() {
        ConfigProblem p = only(BASE + "lora:\n  rank: 8\n");

        assertThat(p.line()).isEqualTo(4);
        assertThat(p.message()).contains("The run config is flat");
    }

    @Test
    void duplicateKeyNamesBothLines() {
        ConfigProblem p = only(BASE + "lora_rank: 8\nbatch_size: 2\nlora_rank: 16\n");

        assertThat(p.line()).isEqualTo(6);
        assertThat(p.key()).isEqualTo("lora_rank");
        assertThat(p.message()).isEqualTo("duplicate key: `lora_rank` is already set on line 4; keep only one of them");
    }

    @Test
    void aliasAndCanonicalNameTogetherAreAClash() {
        ConfigProblem p = only(BASE + "lora_rank: 8\nnetwork_dim: 16\n");

        assertThat(p.format()).isEqualTo("run.yaml:5:1: network_dim: `network_dim` and `lora_rank` (line 4) are two "
                + "names for the same setting `lora_rank`; keep only one of them");
        assertThat(only(BASE + "max_train_epochs: 3\nnum_train_epochs: 4\n").message())
                .contains("same setting `epochs`");
    }

    @Test
    void aliasesResolveToTheCanonicalKey() {
        RunConfig c = RunConfig.parse(BASE + "network_dim: 32\nnetwork_alpha: 16\ntrain_batch_size: 2\n"
                + "max_train_steps: 500\nlr_warmup_steps: 50\nlr_scheduler: linear\nmin_image_size: 768\n"
                + "save_every_n_steps: 100\n", "run.yaml");

        assertThat(c.lora().rank()).isEqualTo(32);
        assertThat(c.lora().alpha()).isEqualTo(16.0);
        assertThat(c.optim().batchSize()).isEqualTo(2);
        assertThat(c.optim().maxSteps()).isEqualTo(500);
        assertThat(c.optim().epochs()).isNull();
        assertThat(c.optim().warmupSteps()).isEqualTo(50);
        assertThat(c.image().minResolution()).isEqualTo(768);
        assertThat(c.output().saveSteps()).isEqualTo(100);
        assertThat(c.origin().written().get("lora_rank").name()).isEqualTo("network_dim");
    }

    @Test
    void wrongTypesNameTheKeyAndTheValueAtTheValuesPosition() {
        ConfigProblem rank = only(BASE + "lora_rank: \"eight\"\n");
        assertThat(rank.format()).isEqualTo("run.yaml:4:12: lora_rank: must be a whole number, got 'eight'");

        ConfigProblem epochs = only(BASE + "epochs: 1.5\n");
        assertThat(epochs.message()).isEqualTo("must be a whole number, got '1.5' (write a whole number such as 10)");

        ConfigProblem lr = only(BASE + "learning_rate: abc\n");
        assertThat(lr.message()).isEqualTo("must be a number such as 2e-4 or 0.0002, got 'abc'");
        assertThat(only(BASE + "flip_aug: maybe\n").message()).isEqualTo("must be true or false, got 'maybe'");
        assertThat(only(BASE + "target_modules: q_proj\n").message()).startsWith("must be a list");
        assertThat(only(BASE + "lora_rank: [8]\n").message()).isEqualTo("expects a single value, found a list");
        assertThat(only(BASE + "learning_rate: .nan\n").message()).startsWith("must be a finite number");
        assertThat(only(BASE + "seed: 99999999999\n").message()).startsWith("is too large");
    }

    @Test
    void choicesListTheAllowedValuesAndSuggestOne() {
        ConfigProblem p = only(BASE + "lr_scheduler: cosin\n");

        assertThat(p.message()).isEqualTo("must be one of constant, linear, cosine, constant_with_warmup, got 'cosin'; "
                + "did you mean `cosine`?");
        ConfigProblem list = only(BASE + "export_formats: [kohya, safetensor]\n");
        assertThat(list.line()).isEqualTo(4);
        assertThat(list.column()).isEqualTo(25);
        assertThat(list.message()).startsWith("entry must be one of peft, gguf, merged, kohya, diffusers");
        assertThat(only(BASE + "export_formats: [kohya, kohya]\n").message()).contains("twice");
    }

    @Test
    void outOfRangeValuesSayTheAllowedRange() {
        assertThat(only(BASE + "lora_rank: 0\n").message()).isEqualTo("must be at least 1, got 0");
        assertThat(only(BASE + "lora_dropout: 1.0\n").message()).isEqualTo("must be in [0, 1), got 1");
        assertThat(only(BASE + "learning_rate: -1e-4\n").message()).startsWith("must be greater than 0");
        assertThat(only(BASE + "resolution: 500\n").message()).isEqualTo("must be a multiple of 8, got 500");
        assertThat(only(BASE + "caption_extension: txt\n").message()).contains("starting with '.'");
        assertThat(only(BASE + "output_name: a/b\n").message()).startsWith("must be a plain file name");
        assertThat(only(BASE + "device: gpu\n").message()).startsWith("must be auto, cpu, cuda or cuda:N");
    }

    @Test
    void crossFieldProblemsNameAKeyAndTheFix() {
        ConfigProblem both = only(BASE + "epochs: 10\nmax_steps: 1000\n");
        assertThat(both.key()).isEqualTo("max_steps");
        assertThat(both.line()).isEqualTo(5);
        assertThat(both.message()).contains("keep either epochs or max_steps");

        assertThat(only(BASE + "warmup_steps: 10\nwarmup_ratio: 0.1\nlr_scheduler: cosine\n").format())
                .startsWith("run.yaml:5:1: warmup_ratio: warmup is given twice");

        ConfigProblem cpu = only(BASE + "mixed_precision: fp16\ndevice: cpu\n");
        assertThat(cpu.format()).isEqualTo("run.yaml:4:1: mixed_precision: fp16 mixed precision needs a CUDA GPU but "
                + "device is cpu; set mixed_precision: no, or device: cuda (or auto)");

        assertThat(only(BASE + "lr_scheduler: constant\nwarmup_steps: 100\n").message())
                .contains("constant_with_warmup");
        assertThat(only(BASE + "random_crop: true\n").key()).isEqualTo("random_crop");
        assertThat(only(BASE + "text_encoder_lr: 5e-5\n").message()).contains("train_text_encoder: true");
        assertThat(only(BASE + "min_bucket_reso: 300\n").message())
                .isEqualTo("must be divisible by bucket_reso_steps (64), got 300; use 256 or 320");
        assertThat(only(BASE + "resolution: 1024\nmax_bucket_reso: 768\n").message()).contains("outside the bucket range");
        assertThat(only(BASE + "sample_every_n_steps: 100\n").message()).contains("sample_prompts is empty");
        assertThat(only(BASE + "export_formats: [gguf]\n").message()).contains("not a format for Stable Diffusion");
        assertThat(only(BASE + "network_weights: a.safetensors\nresume_from: ckpt\n").key())
                .isEqualTo("network_weights");
        assertThat(only(BASE + "max_steps: 100\nwarmup_steps: 100\nlr_scheduler: linear\n").message())
                .contains("shorter than max_steps");
    }

    @Test
    void keysOfTheOtherModelFamilyAreRejectedWithTheReason() {
        ConfigProblem p = only(BASE + "max_seq_length: 1024\n");
        assertThat(p.key()).isEqualTo("max_seq_length");
        assertThat(p.message()).contains("only used by LLM (text-generation)")
                .contains("a config without task_type or model_type is a text-to-image config");

        ConfigProblem llm = only("task_type: text-generation\n" + BASE + "flip_aug: true\n");
        assertThat(llm.format()).isEqualTo("run.yaml:5:1: flip_aug: is only used by Stable Diffusion (text-to-image) "
                + "configs, and this one is text-generation; remove it");
    }

    @Test
    void modelTypeAndTaskTypeMustAgree() {
        ConfigProblem p = only("model_type: llama\ntask_type: text-to-image\n" + BASE);
        assertThat(p.format()).isEqualTo("run.yaml:2:1: task_type: model_type llama trains text-generation, not "
                + "text-to-image; fix task_type or model_type");
    }

    @Test
    void requiredKeysAndEmptyValuesAreReported() {
        List<ConfigProblem> p = problems("output_dir: ./out\nlora_rank:\n");
        assertThat(p).extracting(ConfigProblem::format).containsExactly(
                "run.yaml:2:1: lora_rank: has no value; write one, or delete the line to use the default",
                "run.yaml: base_model: is required; add `base_model: \"...\"` (see `lora init` for a template)",
                "run.yaml: train_data_dir: is required; add `train_data_dir: \"...\"` (see `lora init` for a template)");
    }

    @Test
    void manyProblemsAreReportedTogetherInFileOrderOnePerLine() {
        String yaml = BASE + "lora_rank: \"eight\"\nepochs: 1.5\nlearing_rate: 2e-4\nlora_dropout: 2\nlora_rank: 4\n";
        ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(
                () -> RunConfig.parse(yaml, "run.yaml"));

        assertThat(e.getMessage()).isEqualTo(String.join("\n",
                "run.yaml:4:12: lora_rank: must be a whole number, got 'eight'",
                "run.yaml:5:9: epochs: must be a whole number, got '1.5' (write a whole number such as 10)",
                "run.yaml:6:1: learing_rate: unknown key; did you mean `learning_rate`? See docs/config.md for every key.",
                "run.yaml:7:15: lora_dropout: must be in [0, 1), got 2",
                "run.yaml:8:1: lora_rank: duplicate key: `lora_rank` is already set on line 4; keep only one of them"));
    }

    @Test
    void yamlSyntaxErrorsAreLocatedAndExplained() {
        ConfigProblem quote = only(BASE + "output_name: \"unterminated\n");
        assertThat(quote.line()).isGreaterThanOrEqualTo(4);
        assertThat(quote.message()).startsWith("YAML syntax error:");

        ConfigProblem tab = only(BASE + "batch_size: 2\n\tlora_rank: 8\n");
        assertThat(tab.line()).isEqualTo(5);
        assertThat(tab.column()).isEqualTo(1);
        assertThat(tab.message()).contains("replace the tab with spaces");

        assertThat(only(BASE + "---\nlora_rank: 8\n").message()).contains("one document");
    }

    @Test
    void fileShapeProblems() {
        assertThat(only("").message()).contains("no settings");
        assertThat(only("# only a comment\n").message()).contains("no settings");
        assertThat(only("- base_model: x\n").format()).startsWith("run.yaml:1:1: expected `key: value` lines");
        assertThat(only(BASE + "<<: {lora_rank: 8}\n").message()).contains("merge keys");
        assertThat(only(BASE + "? [a, b]\n: 1\n").message()).startsWith("a key must be a plain name");

        StringBuilder bomb = new StringBuilder(BASE + "a0: &a0 [x, x]\n");
        for (int i = 1; i < 12; i++) {
            bomb.append("a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a")
                    .append(i - 1).append("]\n");
        }
        assertThat(only(bomb.toString()).message()).startsWith("cannot read the YAML: Number of aliases");
    }

    @Test
    void yamlTagsNeverConstructJavaObjects() {
        ConfigProblem p = only(BASE + "output_name: !!javax.script.ScriptEngineManager [x]\n");
        assertThat(p.format()).isEqualTo("run.yaml:4:14: YAML tags such as !!java.Class are not allowed in a run "
                + "config; remove the tag");
        // Standard tags are fine: !!str makes a number-looking value a string.
        assertThat(RunConfig.parse(BASE + "output_name: !!str 2024\n", "run.yaml").output().outputName())
                .isEqualTo("2024");
    }

    @Test
    void recordsBuiltInCodeObeyTheSameRules() {
        assertThatThrownBy(() -> new LoraSection(0, 8, 0, false, List.of("q_proj"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("lora_rank: must be at least 1, got 0");
        RunConfig ok = RunConfig.parse(BASE, "run.yaml");
        assertThatThrownBy(() -> new RunConfig(ok.model(), ok.data(), ok.text(), ok.image(), ok.lora(), ok.optim(),
                ok.diffusion(), new RuntimeSection(MixedPrecision.BF16, 1, Device.CPU), ok.output(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("mixed_precision: bf16 mixed");
    }
}
