package org.lorapipeline.core.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lorapipeline.core.engine.Tensors;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.llama.LlamaModel;
import org.lorapipeline.core.llama.TinyLlama;

class LoraModelTest {
    private LlamaModel model;

    @BeforeEach
    void setUp() {
        model = TinyLlama.create(TorchRuntime.open("cpu").newManager(), 7);
    }

    @AfterEach
    void tearDown() {
        model.close();
    }

    private float[] logits() {
        try (NDManager m = model.manager().newSubManager()) {
            return model.forward(Tensors.ids(m, new long[][] {{1, 5, 9, 2, 33, 49}}), false).toFloatArray();
        }
    }

    @Test
    void injectsIntoTargetsWithPeftInitAndNoEffectAtStart() {
        float[] before = logits();
        LoraModel lora = LoraModel.inject(model.linears(), new LoraConfig(4, 8, 0, List.of("q_proj", "down_proj"),
                false), model.manager(), 1);
        assertThat(lora.parameters()).hasSize(2 * 2 * 2); // 2 layers x 2 modules x (A, B)
        assertThat(lora.parameters()).containsKeys(
                "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
                "base_model.model.model.layers.1.mlp.down_proj.lora_B.weight");
        NDArray a = lora.parameters().get("base_model.model.model.layers.1.mlp.down_proj.lora_A.weight");
        assertThat(a.getShape().getShape()).containsExactly(4, 48);
        float bound = (float) (1 / Math.sqrt(48));
        float max = 0;
        for (float v : a.toFloatArray()) {
            max = Math.max(max, Math.abs(v));
        }
        assertThat(max).isLessThanOrEqualTo(bound).isGreaterThan(0.8f * bound); // U(+-1/sqrt(in)) fills its range
        assertThat(lora.parameters().get("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight")
                .toFloatArray()).containsOnly(0f);
        assertThat(a.hasGradient()).isTrue(); // trainable
        assertThat(model.linears().get("model.layers.0.self_attn.q_proj").weight().hasGradient()).isFalse();
        assertThat(model.linears().get("model.layers.0.self_attn.k_proj").adapter()).isNull();
        assertThat(logits()).containsExactly(before); // B = 0: the adapter starts as the identity
    }

    @Test
    void unknownTargetListsAvailableModules() {
        assertThatThrownBy(() -> LoraModel.inject(model.linears(), new LoraConfig(4, 8, 0,
                List.of("q_proj", "qkv_proj"), false), model.manager(), 1))
                .hasMessageContaining("[qkv_proj]")
                .hasMessageContaining("[down_proj, gate_proj, k_proj, o_proj, q_proj, up_proj, v_proj]");
    }

    @Test
    void targetsMatchWholeNamesOrDottedSuffixesAsPeftDoes() {
        assertThat(LoraModel.matches("unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_out.0",
                "to_out.0")).isTrue();
        assertThat(LoraModel.matches("unet.up_blocks.1.attentions.0.transformer_blocks.0.ff.net.2", "ff.net.2"))
                .isTrue();
        assertThat(LoraModel.matches("unet.x.ff.net.0.proj", "ff.net.0.proj")).isTrue();
        assertThat(LoraModel.matches("unet.x.ff.net.0.proj", "proj")).isTrue();
        assertThat(LoraModel.matches("unet.x.proj_in", "proj")).isFalse(); // a suffix must start at a dot
        assertThat(LoraModel.matches("model.layers.0.self_attn.q_proj", "q_proj")).isTrue();
        assertThat(LoraModel.matches("model.layers.0.self_attn.q_proj", "self_attn.q_proj")).isTrue();
        assertThat(LoraModel.matches("model.layers.0.self_attn.q_proj", "_proj")).isFalse();
        assertThat(LoraModel.moduleKind("unet.a.attn1.to_out.0")).isEqualTo("to_out.0");
        assertThat(LoraModel.moduleKind("unet.a.ff.net.2")).isEqualTo("net.2");
        assertThat(LoraModel.moduleKind("model.layers.0.mlp.down_proj")).isEqualTo("down_proj");
    }

    @Test
    void mapKeysNameTheModulesSoPrefixedModelsShareOneAdapter() {
        Map<String, LoraLinear> prefixed = new java.util.LinkedHashMap<>();
        model.linears().forEach((k, v) -> prefixed.put("text." + k, v));
        LoraModel lora = LoraModel.inject(prefixed, new LoraConfig(2, 2, 0, List.of("self_attn.v_proj"), false),
                model.manager(), 1);
        assertThat(lora.targets()).containsOnlyKeys("text.model.layers.0.self_attn.v_proj",
                "text.model.layers.1.self_attn.v_proj");
        assertThat(lora.parameters()).containsKey("base_model.model.text.model.layers.1.self_attn.v_proj.lora_B.weight");
    }

    @Test
    void scaleIsAlphaOverRankOrRootRankWithRslora() {
        assertThat(new LoraConfig(16, 32, 0, null, false).scale()).isEqualTo(2f);
        assertThat(new LoraConfig(16, 32, 0, null, true).scale()).isEqualTo(8f);
        assertThat(new LoraConfig(16, 32, 0, null, false).targetModules()).isEqualTo(LoraConfig.DEFAULT_TARGETS);
        assertThatThrownBy(() -> new LoraConfig(0, 8, 0, null, false)).hasMessageContaining("lora_rank");
        assertThatThrownBy(() -> new LoraConfig(4, 8, 1.0, null, false)).hasMessageContaining("lora_dropout");
    }

    @Test
    void exportLoadRoundTripAndMergeMatchesUnmerged() {
        LoraModel lora = LoraModel.inject(model.linears(), LoraConfig.of(2, 4), model.manager(), 3);
        // give B non-zero values so the adapter changes the output
        Map<String, LoraTensor> exported = lora.export();
        java.util.Map<String, LoraTensor> changed = new java.util.LinkedHashMap<>();
        int k = 0;
        for (LoraTensor t : exported.values()) {
            float[] v = t.values().clone();
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) Math.sin(0.37 * (i + 1) + k);
            }
            changed.put(t.key(), new LoraTensor(t.key(), t.shape(), v));
            k++;
        }
        float[] base = logits();
        lora.load(changed, "test");
        assertThat(lora.export().get("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight").values())
                .containsExactly(changed.get("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight")
                        .values());
        float[] adapted = logits();
        assertThat(adapted).isNotEqualTo(base);
        lora.merge();
        assertThat(model.linears().get("model.layers.0.self_attn.q_proj").adapter()).isNull();
        assertThat(logits()).containsExactly(adapted, within(2e-4f));
    }

    @Test
    void loadRejectsMismatchedAdapters() {
        LoraModel lora = LoraModel.inject(model.linears(), LoraConfig.of(2, 4), model.manager(), 3);
        Map<String, LoraTensor> exported = new java.util.LinkedHashMap<>(lora.export());
        String key = "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight";
        exported.put(key, new LoraTensor(key, new long[] {4, 32}, new float[128]));
        assertThatThrownBy(() -> lora.load(exported, "adapter_model.safetensors"))
                .hasMessageContaining("adapter_model.safetensors").hasMessageContaining("(4, 32)");
        exported.remove(key);
        assertThatThrownBy(() -> lora.load(exported, "x")).hasMessageContaining("missing [" + key);
    }
}
