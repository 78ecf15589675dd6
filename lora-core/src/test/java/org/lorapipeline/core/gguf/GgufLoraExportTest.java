package org.lorapipeline.core.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.peft.AdapterConfig;
import org.lorapipeline.core.peft.LlamaProjection;
import org.lorapipeline.core.peft.PeftAdapter;
import org.lorapipeline.core.peft.PeftKeys;
import org.lorapipeline.core.tensor.FloatTensor;
import org.lorapipeline.core.testing.SharedReference;

/** Golden test against llama.cpp's own convert_lora_to_gguf.py output for the tiny LLaMA adapter. */
class GgufLoraExportTest {
    @TempDir
    Path tmp;

    @Test
    void matchesLlamaCppConverterOutput() throws IOException {
        Path out = tmp.resolve("adapter.gguf");
        GgufLoraExport.fromPeft(SharedReference.path("llama-tiny/peft"),
                SharedReference.path("llama-tiny/hf/config.json"), out);
        Path golden = SharedReference.path("llama-tiny/adapter-from-peft.gguf");
        try (GgufFile ours = GgufFile.open(out); GgufFile ref = GgufFile.open(golden)) {
            assertThat(new ArrayList<>(ours.kv().keySet())).isEqualTo(new ArrayList<>(ref.kv().keySet()));
            assertThat(ours.kv()).isEqualTo(ref.kv());
            assertThat(ours.get("adapter.lora.alpha")).isEqualTo(GgufValue.f32(8f));
            assertThat(ours.tensors()).isEqualTo(ref.tensors());
            assertThat(ours.tensors()).hasSize(28);
            for (GgufTensorInfo t : ref.tensors()) {
                assertThat(ours.floats(t.name())).as(t.name()).isEqualTo(ref.floats(t.name()));
            }
        }
        assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(golden));
    }

    @Test
    void permutesRowsFromRotateHalfToInterleaved() {
        // one head, head_dim 4, rank 1: HF rows (r0 r1 | r2 r3) pair i with i+2; llama.cpp wants r0 r2 r1 r3
        float[] out = GgufLoraExport.permuteRows(new float[] {0, 1, 2, 3}, new long[] {4, 1}, 1, "k");
        assertThat(out).containsExactly(0, 2, 1, 3);
        // two heads of dim 4, rank 2: permutation stays inside each head, columns move with their row
        float[] two = GgufLoraExport.permuteRows(
                new float[] {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7}, new long[] {8, 2}, 2, "k");
        assertThat(two).containsExactly(0, 0, 2, 2, 1, 1, 3, 3, 4, 4, 6, 6, 5, 5, 7, 7);
        assertThatThrownBy(() -> GgufLoraExport.permuteRows(new float[6], new long[] {6, 1}, 2, "x.lora_B"))
                .hasMessageContaining("x.lora_B");
    }

    @Test
    void refusesAdaptersItCannotExport() {
        Map<String, FloatTensor> t = new LinkedHashMap<>();
        t.put(PeftKeys.loraA(0, LlamaProjection.V_PROJ), FloatTensor.of(new float[2], 1, 2));
        AdapterConfig c = AdapterConfig.causalLm("m", 1, 1, List.of("v_proj"));
        GgufLoraExport.LlamaHeads heads = new GgufLoraExport.LlamaHeads(1, 1);
        assertThatThrownBy(() -> GgufLoraExport.build(new PeftAdapter(c, t), heads, "x"))
                .hasMessageContaining("lora_B").hasMessageContaining("partner");
        t.put("base_model.model.lm_head.lora_A.weight", FloatTensor.of(new float[2], 1, 2));
        assertThatThrownBy(() -> GgufLoraExport.build(new PeftAdapter(c, t), heads, "x"))
                .hasMessageContaining("lm_head");
    }

    @Test
    void foldsRsLoraScaleIntoLoraBAndRejectsAlphaPattern() {
        Map<String, FloatTensor> t = new LinkedHashMap<>();
        t.put(PeftKeys.loraA(0, LlamaProjection.V_PROJ), FloatTensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 4, 2));
        t.put(PeftKeys.loraB(0, LlamaProjection.V_PROJ), FloatTensor.of(new float[] {1, -1, 0.5f, 2}, 1, 4));
        AdapterConfig c = AdapterConfig.causalLm("m", 4, 8, List.of("v_proj")).withUseRslora(true);
        Path out = tmp.resolve("rs.gguf");
        GgufLoraExport.build(new PeftAdapter(c, t), new GgufLoraExport.LlamaHeads(1, 1), "x").write(out);
        try (GgufFile g = GgufFile.open(out)) {
            // PEFT scale alpha/sqrt(r) = 4; llama.cpp applies alpha/r = 2, so B carries the missing sqrt(4) = 2
            assertThat(g.floats("blk.0.attn_v.weight.lora_b")).containsExactly(2, -2, 1, 4);
            assertThat(g.floats("blk.0.attn_v.weight.lora_a")).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        }
        AdapterConfig withPattern = new AdapterConfig(Map.of("v_proj", 16), null, null, "none", false, true, true,
                null, null, null, Map.of(), 8, 0, null, "megatron.core", null, "LORA", 4, Map.of(), null,
                List.of("v_proj"), "CAUSAL_LM", false, false);
        assertThatThrownBy(() -> GgufLoraExport.build(new PeftAdapter(withPattern, t),
                new GgufLoraExport.LlamaHeads(1, 1), "x")).hasMessageContaining("alpha_pattern");
    }

    @Test
    void rejectsNonLlamaBaseConfig() throws IOException {
        Path cfg = tmp.resolve("config.json");
        Files.writeString(cfg, "{\"architectures\":[\"GPT2LMHeadModel\"],\"model_type\":\"gpt2\"}");
        assertThatThrownBy(() -> GgufLoraExport.LlamaHeads.fromHfConfig(cfg))
                .hasMessageContaining(cfg.toString()).hasMessageContaining("GPT2LMHeadModel");
        Files.writeString(cfg, "{\"model_type\":\"llama\",\"num_attention_heads\":8}");
        assertThat(GgufLoraExport.LlamaHeads.fromHfConfig(cfg)).isEqualTo(new GgufLoraExport.LlamaHeads(8, 8));
    }

    @Test
    void titlesNamesLikeGgufPy() {
        assertThat(GgufLoraExport.idToTitle("peft")).isEqualTo("Peft");
        assertThat(GgufLoraExport.idToTitle("my-lora-v1.2-7b")).isEqualTo("My Lora v1.2 7b");
        assertThat(GgufLoraExport.idToTitle("Llama-3-LoRA")).isEqualTo("Llama 3 LoRA");
    }
}
