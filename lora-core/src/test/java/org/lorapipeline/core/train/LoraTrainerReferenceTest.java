package org.lorapipeline.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lorapipeline.core.llama.LlamaModel;
import org.lorapipeline.core.llama.LlamaReferenceAccess;
import org.lorapipeline.core.llama.ReferenceData;
import org.lorapipeline.core.lora.LoraModel;
import org.lorapipeline.core.lora.LoraTensor;

/**
 * Two AdamW steps from the reference PEFT adapter (incremental training) against torch autograd +
 * clip_grad_norm_ + torch.optim.AdamW in make_reference.py: losses, pre-clip gradient norms and the adapter after
 * each step.
 */
class LoraTrainerReferenceTest {

    @Test
    void twoStepsMatchTorchAutogradClippingAndAdamW() throws Exception {
        JsonNode ref = ReferenceData.json().get("adamw");
        try (LlamaModel model = LlamaReferenceAccess.loadTiny()) {
            LoraModel lora = LlamaReferenceAccess.applyPeft(model);
            JsonNode betas = ref.get("betas");
            LoraTrainer trainer = new LoraTrainer(model, lora, new TrainOptions(ref.get("weight_decay").asDouble(),
                    betas.get(0).asDouble(), betas.get(1).asDouble(), ref.get("eps").asDouble(),
                    ref.get("max_grad_norm").asDouble(), 0));
            Batch batch = new Batch(ReferenceData.inputIds(), LlamaReferenceAccess.maskedLabels());
            for (int s = 0; s < 2; s++) {
                JsonNode want = ref.get("steps").get(s);
                StepResult r = trainer.step(List.of(batch), ref.get("lr").asDouble());
                assertThat(r.loss()).as("loss step %d", s + 1).isCloseTo(want.get("loss").asDouble(), within(1e-4));
                assertThat(r.gradNorm()).as("grad norm step %d", s + 1)
                        .isCloseTo(want.get("grad_norm").asDouble(), within(1e-3 * want.get("grad_norm").asDouble()));
                Map<String, LoraTensor> got = lora.export();
                want.get("params_after").fields().forEachRemaining(e -> assertThat(got.get(e.getKey()).values())
                        .as(e.getKey()).containsExactly(ReferenceData.floats(e.getValue()), within(2e-5f)));
            }
        }
    }
}
