package org.lorapipeline.core.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lorapipeline.core.engine.Tensors;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.lora.LoraConfig;
import org.lorapipeline.core.lora.LoraModel;
import org.lorapipeline.core.safetensors.TensorSource;
import org.lorapipeline.core.testing.SharedReference;
import org.lorapipeline.core.train.CausalLmLoss;

/** Logits of the tiny reference LLaMA against an independent torch forward (make_reference.py). */
class LlamaReferenceTest {
    static final List<String> ALL_SEVEN =
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");
    private static final float TOL = 1e-4f;

    static LlamaModel loadTiny() throws Exception {
        return LlamaCheckpoint.load(SharedReference.path("llama-tiny/hf"), TorchRuntime.open("cpu").newManager());
    }

    /** Injects r=4/alpha=8 adapters on all seven projections and loads the reference PEFT adapter into them. */
    static LoraModel applyPeft(LlamaModel model) {
        LoraModel lora = LoraModel.inject(model.linears(), new LoraConfig(4, 8.0, 0.0, ALL_SEVEN, false),
                model.manager(), 0);
        try (TensorSource src = TensorSource.open(SharedReference.path("llama-tiny/peft/adapter_model.safetensors"))) {
            lora.load(src, "peft/adapter_model.safetensors");
        }
        return lora;
    }

    private static float[] logits(LlamaModel model) {
        try (NDManager m = model.manager().newSubManager()) {
            return model.forward(Tensors.ids(m, ReferenceData.inputIds()), false).toFloatArray();
        }
    }

    private static float[] expected(String key) {
        return ReferenceData.floats(ReferenceData.json().get(key));
    }

    @Test
    void baseLogitsMatchTheTorchReference() throws Exception {
        try (LlamaModel model = loadTiny()) {
            assertThat(logits(model)).containsExactly(expected("logits_base"), within(TOL));
        }
    }

    @Test
    void peftAdapterLogitsMatchUnmergedAndMerged() throws Exception {
        try (LlamaModel model = loadTiny()) {
            float[] base = logits(model);
            LoraModel lora = applyPeft(model);
            assertThat(lora.config().scale()).isEqualTo((float) ReferenceData.json().get("lora_scale").asDouble());
            float[] adapted = logits(model);
            assertThat(adapted).containsExactly(expected("logits_peft"), within(TOL));
            assertThat(adapted).isNotEqualTo(base);
            lora.merge();
            assertThat(logits(model)).containsExactly(expected("logits_peft"), within(TOL));
        }
    }

    @Test
    void llama3RopeScalingMatchesTheTorchReference() throws Exception {
        JsonNode rs = ReferenceData.json().get("rope_scaling_llama3");
        LlamaConfig base = LlamaConfig.read(SharedReference.path("llama-tiny/hf/config.json"));
        LlamaConfig scaled = new LlamaConfig(base.hiddenSize(), base.intermediateSize(), base.numAttentionHeads(),
                base.numKeyValueHeads(), base.numHiddenLayers(), base.headDim(), base.rmsNormEps(), base.ropeTheta(),
                RopeScaling.llama3(rs.get("factor").asDouble(), rs.get("low_freq_factor").asDouble(),
                        rs.get("high_freq_factor").asDouble(), rs.get("original_max_position_embeddings").asInt()),
                base.vocabSize(), base.maxPositionEmbeddings(), base.tieWordEmbeddings());
        assertThat(new Rope(scaled).invFreq()).containsExactly(expected("inv_freq_llama3"), within(1e-7f));
        try (TensorSource src = TensorSource.open(SharedReference.path("llama-tiny/hf"));
             LlamaModel model = LlamaCheckpoint.load(scaled, src, TorchRuntime.open("cpu").newManager())) {
            float[] got = logits(model);
            assertThat(got).containsExactly(expected("logits_base_llama3"), within(TOL));
            assertThat(got).isNotEqualTo(expected("logits_base")); // the scaling really changes the result
        }
    }

    @Test
    void maskedAndUnmaskedLossMatchTheTorchReference() throws Exception {
        try (LlamaModel model = loadTiny(); NDManager m = model.manager().newSubManager()) {
            long[][] ids = ReferenceData.inputIds();
            var logits = model.forward(Tensors.ids(m, ids), false);
            float all = CausalLmLoss.loss(logits, ids).getFloat();
            assertThat((double) all).isCloseTo(ReferenceData.json().get("loss_base_unmasked").asDouble(),
                    within(1e-5));
            float masked = CausalLmLoss.loss(logits, maskedLabels()).getFloat();
            assertThat((double) masked).isCloseTo(ReferenceData.json().get("loss_base_masked").asDouble(),
                    within(1e-5));
        }
    }

    /** Labels with the prompt (positions before response_start) masked, as the reference script does. */
    public static long[][] maskedLabels() {
        long[][] ids = ReferenceData.inputIds();
        JsonNode starts = ReferenceData.json().get("response_start");
        long[][] labels = new long[ids.length][];
        for (int b = 0; b < ids.length; b++) {
            labels[b] = ids[b].clone();
            for (int t = 0; t < starts.get(b).asInt(); t++) {
                labels[b][t] = CausalLmLoss.IGNORE_INDEX;
            }
        }
        return labels;
    }
}
