package org.lorapipeline.core.peft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdapterConfigTest {

    private static String resource(String name) throws IOException {
        try (InputStream in = AdapterConfigTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void writesExactlyWhatPeftWrites() throws IOException {
        // expected file written by Python's json.dumps (see make_expected_config.py beside it)
        AdapterConfig c = AdapterConfig.causalLm("../hf", 4, 8, List.of("q_proj", "v_proj"))
                .withLoraDropout(0.05);
        c = new AdapterConfig(c.alpha_pattern(), c.auto_mapping(), c.base_model_name_or_path(), c.bias(),
                c.fan_in_fan_out(), c.inference_mode(), c.init_lora_weights(), c.layer_replication(),
                c.layers_pattern(), c.layers_to_transform(), c.loftq_config(), c.lora_alpha(), c.lora_dropout(),
                c.megatron_config(), c.megatron_core(), c.modules_to_save(), c.peft_type(), c.r(),
                Map.of("q_proj", 8), c.revision(), c.target_modules(), c.task_type(), c.use_dora(), c.use_rslora());
        assertThat(AdapterConfigJson.toJson(c)).isEqualTo(resource("/peft/expected_adapter_config.json"));
    }

    @Test
    void writesThe24KeysOfPeft0132() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = new ObjectMapper().readValue(AdapterConfigJson.toJson(AdapterConfig.defaults()), Map.class);
        assertThat(m.keySet()).containsExactlyInAnyOrderElementsOf(AdapterConfigJson.KEYS).hasSize(24);
        assertThat(m.get("lora_alpha")).isEqualTo(8);
        assertThat(m.get("r")).isEqualTo(8);
        assertThat(m.get("megatron_core")).isEqualTo("megatron.core");
        assertThat(m.get("task_type")).isNull();
    }

    @Test
    void readingFillsDefaultsAndToleratesNewerKeys() {
        AdapterConfig c = AdapterConfigJson.parse(
                "{\"r\": 16, \"lora_alpha\": 32, \"peft_version\": \"0.15.0\", \"lora_bias\": false,"
                        + " \"target_modules\": \".*attn.*\"}", "cfg.json");
        assertThat(c.r()).isEqualTo(16);
        assertThat(c.lora_alpha()).isEqualTo(32.0);
        assertThat(c.scaling()).isEqualTo(2.0);
        assertThat(c.target_modules()).isEqualTo(".*attn.*");
        assertThat(c.megatron_core()).isEqualTo("megatron.core");
        assertThat(c.withUseRslora(true).scaling()).isEqualTo(8.0);
        assertThat(AdapterConfigJson.toJson(c)).doesNotContain("peft_version").doesNotContain("lora_bias");
    }

    @Test
    void rejectsWrongTypesNamingTheKey() {
        assertThatThrownBy(() -> AdapterConfigJson.parse("{\"r\": \"four\"}", "cfg.json"))
                .isInstanceOf(PeftFormatException.class).hasMessageContaining("cfg.json").hasMessageContaining("'r'");
        assertThatThrownBy(() -> AdapterConfigJson.parse("{\"r\": 0}", "cfg.json"))
                .hasMessageContaining("cfg.json").hasMessageContaining("r must be a positive rank");
        assertThatThrownBy(() -> AdapterConfigJson.parse("{\"peft_type\": \"IA3\"}", "cfg.json"))
                .hasMessageContaining("only LORA");
        assertThatThrownBy(() -> AdapterConfigJson.parse("{\"target_modules\": [1]}", "cfg.json"))
                .hasMessageContaining("target_modules");
        assertThatThrownBy(() -> AdapterConfigJson.parse("{", "cfg.json")).hasMessageContaining("not valid JSON");
    }

    @Test
    void keysFollowPeftNaming() {
        assertThat(PeftKeys.loraA(3, LlamaProjection.Q_PROJ))
                .isEqualTo("base_model.model.model.layers.3.self_attn.q_proj.lora_A.weight");
        assertThat(PeftKeys.loraB(0, LlamaProjection.DOWN_PROJ))
                .isEqualTo("base_model.model.model.layers.0.mlp.down_proj.lora_B.weight");
        assertThat(PeftKeys.parseLlama("base_model.model.model.layers.12.mlp.gate_proj.lora_A.weight"))
                .contains(new PeftKeys.LlamaKey(12, LlamaProjection.GATE_PROJ, true));
        assertThat(PeftKeys.parseLlama("base_model.model.model.layers.1.mlp.q_proj.lora_A.weight")).isEmpty();
        assertThat(PeftKeys.parseLlama("base_model.model.model.embed_tokens.lora_embedding_A")).isEmpty();
        assertThat(PeftKeys.modulePath("base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight"))
                .contains("model.layers.0.self_attn.v_proj");
        assertThat(LlamaProjection.O_PROJ.ggufWeight(1)).isEqualTo("blk.1.attn_output.weight");
    }
}
