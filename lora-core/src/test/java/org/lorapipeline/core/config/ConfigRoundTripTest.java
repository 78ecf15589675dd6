package org.lorapipeline.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** toYaml() writes the effective config; reading it back gives the same config. */
class ConfigRoundTripTest {

    @Test
    void seedsRoundTrip() {
        for (String seed : new String[] {"sd_my_style.yaml", "sd_cyber_ink.yaml", "sd_cyberpunk.yaml",
                "llama_customer_service.yaml"}) {
            RunConfig c = RunConfig.parse(SeedConfigsTest.seed(seed), seed);
            assertThat(RunConfig.parse(c.toYaml(), "config.yaml")).as(seed).isEqualTo(c);
        }
    }

    @Test
    void nonDefaultValuesAndAwkwardStringsRoundTrip() {
        String yaml = """
                model_type: sdxl
                base_model: "C:\\\\models\\\\sdxl base.safetensors"
                train_data_dir: ./data/img
                metadata_path: ./data/img/meta.csv
                tokenizer_path: ./tok
                output_dir: ./out/x
                output_name: "my lora v2"
                caption_extension: .txt
                label_model: 'blip: large'
                network_dim: 32
                network_alpha: 0.5
                lora_dropout: 0.05
                target_modules: [to_q, to_k, "to_out.0"]
                train_text_encoder: true
                text_encoder_lr: 5e-5
                unet_lr: 1.0e-4
                max_steps: 2000
                warmup_ratio: 0.1
                lr_scheduler: constant_with_warmup
                adam_epsilon: 1e-10
                mixed_precision: bf16
                device: cuda:1
                noise_offset: 0.0357
                min_snr_gamma: 5
                prediction_type: v_prediction
                sample_every_n_steps: 250
                sample_prompts: ["a \\"cat\\", <lora:x:0.7>", "第二个 提示\\n换行"]
                sample_sampler: euler_a
                export_formats: [diffusers, merged]
                """;
        RunConfig c = RunConfig.parse(yaml, "run.yaml");
        String written = c.toYaml();

        assertThat(RunConfig.parse(written, "config.yaml")).isEqualTo(c);
        assertThat(written).contains("mixed_precision: \"bf16\"\n", "adam_epsilon: 1.0e-10\n",
                "learning_rate: 1.0e-4\n", "lora_alpha: 0.5\n", "warmup_ratio: 0.1\n", "device: \"cuda:1\"\n")
                .doesNotContain("warmup_steps", "epochs:", "network_dim", "max_seq_length");
    }

    @Test
    void writtenKeysAreExactlyTheFamilysKeysWithValues() {
        RunConfig llm = RunConfig.parse(SeedConfigsTest.seed("llama_customer_service.yaml"), "c.yaml");
        Set<String> written = llm.toYaml().lines().filter(l -> !l.startsWith("#"))
                .map(l -> l.substring(0, l.indexOf(':'))).collect(Collectors.toSet());
        Set<String> expected = ConfigKeys.all().stream().filter(k -> k.applies().to(ModelFamily.LLM))
                .filter(k -> !k.optional()).map(ConfigKey::name).collect(Collectors.toSet());
        expected.add("epochs");
        expected.add("warmup_steps");

        assertThat(written).isEqualTo(expected);
    }

    @Test
    void pythonsYaml11ReaderSeesTheSameTypes() {
        // snakeyaml's SafeConstructor follows the same YAML 1.1 resolver as PyYAML's safe_load.
        RunConfig c = RunConfig.parse(SeedConfigsTest.seed("sd_my_style.yaml"), "c.yaml");
        java.util.Map<String, Object> plain = new Yaml(new SafeConstructor(new org.yaml.snakeyaml.LoaderOptions()))
                .load(c.toYaml());

        assertThat(plain.get("mixed_precision")).isEqualTo("no");
        assertThat(plain.get("learning_rate")).isEqualTo(2e-4);
        assertThat(plain.get("adam_epsilon")).isEqualTo(1e-8);
        assertThat(plain.get("lora_alpha")).isEqualTo(8.0);
        assertThat(plain.get("lora_rank")).isEqualTo(8);
        assertThat(plain.get("enable_bucket")).isEqualTo(true);
    }
}
