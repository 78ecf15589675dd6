package org.lorapipeline.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.llama.LlamaModel;
import org.lorapipeline.core.llama.TinyLlama;
import org.lorapipeline.core.lora.LoraConfig;
import org.lorapipeline.core.lora.LoraModel;

/**
 * A training loop that grows in memory is a bug: after a warm-up, a few hundred more steps must not add NDArrays
 * (each step's activations and graph are native memory owned by arrays, so a leaked step shows up here exactly).
 * The process's resident memory over the same loop is measured by {@code lora bench llama --memory-steps}, not
 * asserted here: RSS also moves with the JVM's heap sizing and GC timing, which a loaded CI machine changes.
 */
class MemoryFlatnessTest {
    @Test
    void liveArraysStayFlatOverHundredsOfSteps() {
        try (LlamaModel model = TinyLlama.create(TorchRuntime.open("cpu").newManager(), 2)) {
            LoraModel lora = LoraModel.inject(model.linears(), new LoraConfig(4, 8, 0.1,
                    List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"), false),
                    model.manager(), 1);
            LoraTrainer trainer = new LoraTrainer(model, lora, TrainOptions.defaults(3));
            SplittableRandom rng = new SplittableRandom(4);
            long[][] ids = new long[2][64];
            for (long[] row : ids) {
                for (int t = 0; t < row.length; t++) {
                    row[t] = rng.nextInt(50);
                }
            }
            List<Batch> step = List.of(Batch.languageModelling(ids));
            for (int i = 0; i < 40; i++) {
                trainer.step(step, 1e-3);
            }
            int arrays = model.manager().getManagedArrays().size();
            for (int i = 0; i < 200; i++) {
                trainer.step(step, 1e-3);
            }
            assertThat(model.manager().getManagedArrays().size()).isEqualTo(arrays);
        }
    }
}
