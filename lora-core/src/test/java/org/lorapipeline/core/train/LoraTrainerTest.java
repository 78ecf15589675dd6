package org.lorapipeline.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.llama.LlamaModel;
import org.lorapipeline.core.lora.LoraConfig;
import org.lorapipeline.core.lora.LoraLinear;
import org.lorapipeline.core.lora.LoraModel;
import org.lorapipeline.core.lora.LoraTensor;
import org.lorapipeline.core.llama.TinyLlama;

class LoraTrainerTest {

    private static List<Batch> randomBatches(long seed, int count) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Batch> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            long[][] ids = new long[2][16];
            for (long[] row : ids) {
                for (int t = 0; t < row.length; t++) {
                    row[t] = rng.nextInt(50);
                }
            }
            out.add(Batch.languageModelling(ids));
        }
        return out;
    }

    private static Map<String, float[]> baseWeights(LlamaModel model) {
        Map<String, float[]> w = new HashMap<>();
        model.linears().forEach((k, l) -> w.put(k, l.weight().toFloatArray()));
        return w;
    }

    @Test
    void thirtyStepsLowerTheLossAndOnlyAdaptersChange() {
        try (LlamaModel model = TinyLlama.create(TorchRuntime.open("cpu").newManager(), 11)) {
            Map<String, float[]> before = baseWeights(model);
            LoraModel lora = LoraModel.inject(model.linears(), new LoraConfig(4, 8, 0.0,
                    List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"), false),
                    model.manager(), 5);
            LoraTrainer trainer = new LoraTrainer(model, lora,
                    new TrainOptions(0.01, 0.9, 0.999, 1e-8, 1.0, 42));
            List<Batch> data = randomBatches(3, 2); // memorise two fixed batches
            List<Double> losses = new ArrayList<>();
            for (int s = 0; s < 30; s++) {
                losses.add(trainer.step(List.of(data.get(s % 2)), 1e-2).loss());
            }
            double first = (losses.get(0) + losses.get(1)) / 2;
            double last = (losses.get(28) + losses.get(29)) / 2;
            assertThat(last).as("loss %s", losses).isLessThan(0.7 * first);
            // base weights are bit-for-bit unchanged and never got a gradient
            for (Map.Entry<String, LoraLinear> e : model.linears().entrySet()) {
                assertThat(e.getValue().weight().toFloatArray()).as(e.getKey()).isEqualTo(before.get(e.getKey()));
                assertThat(e.getValue().weight().hasGradient()).as(e.getKey()).isFalse();
            }
            // every adapter B moved away from zero: gradients reached all targeted modules
            lora.parameters().forEach((k, p) -> {
                if (k.contains("lora_B")) {
                    assertThat(p.abs().max().getFloat()).as(k).isGreaterThan(0f);
                }
            });
        }
    }

    @Test
    void sameSeedGivesTheSameAdapterAndMemoryStaysFlat() {
        Map<String, LoraTensor> first = null;
        for (int run = 0; run < 2; run++) {
            try (LlamaModel model = TinyLlama.create(TorchRuntime.open("cpu").newManager(), 11)) {
                LoraModel lora = LoraModel.inject(model.linears(), new LoraConfig(4, 8, 0.1, null, false),
                        model.manager(), 5);
                LoraTrainer trainer = new LoraTrainer(model, lora, TrainOptions.defaults(99));
                List<Batch> data = randomBatches(4, 3);
                trainer.step(data.subList(0, 2), 5e-3); // moments now exist
                int arrays = model.manager().getManagedArrays().size();
                for (int s = 0; s < 6; s++) {
                    trainer.step(data.subList(s % 3, s % 3 + 1), 5e-3);
                }
                assertThat(model.manager().getManagedArrays().size()).as("NDArrays alive after 6 more steps")
                        .isEqualTo(arrays);
                Map<String, LoraTensor> adapter = lora.export();
                if (first == null) {
                    first = adapter;
                } else {
                    for (String k : first.keySet()) {
                        assertThat(adapter.get(k).values()).as(k).isEqualTo(first.get(k).values());
                    }
                }
            }
        }
        assertThat(first.values().stream().anyMatch(t -> t.key().contains("lora_B")
                && t.values()[0] != 0f)).isTrue();
    }

    @Test
    void accumulationEqualsOneBigBatch() {
        float[] whole;
        float[] split;
        List<Batch> data = randomBatches(8, 2);
        long[][] both = new long[4][];
        for (int i = 0; i < 2; i++) {
            both[i] = data.get(0).ids()[i];
            both[2 + i] = data.get(1).ids()[i];
        }
        whole = trainOnce(List.of(Batch.languageModelling(both)));
        split = trainOnce(data);
        assertThat(split).containsExactly(whole, org.assertj.core.api.Assertions.within(1e-6f));
    }

    private static float[] trainOnce(List<Batch> batches) {
        try (LlamaModel model = TinyLlama.create(TorchRuntime.open("cpu").newManager(), 11)) {
            LoraModel lora = LoraModel.inject(model.linears(), LoraConfig.of(2, 4), model.manager(), 5);
            LoraTrainer trainer = new LoraTrainer(model, lora, TrainOptions.defaults(1));
            trainer.step(batches, 1e-2);
            trainer.step(batches, 1e-2);
            NDArray b = lora.parameters().get(LoraModel.keyB("model.layers.1.self_attn.v_proj"));
            return b.toFloatArray();
        }
    }
}
