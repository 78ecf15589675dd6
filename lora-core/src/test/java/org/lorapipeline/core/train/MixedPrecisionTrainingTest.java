package org.lorapipeline.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lorapipeline.core.engine.PrecisionPolicy;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.llama.LlamaModel;
import org.lorapipeline.core.llama.TinyLlama;
import org.lorapipeline.core.lora.LoraConfig;
import org.lorapipeline.core.lora.LoraLinear;
import org.lorapipeline.core.lora.LoraModel;

/**
 * The fp16 path (half base weights, fp32 LoRA master weights, dynamic loss scaling) run on CPU libtorch, which can
 * multiply fp16 even though runs refuse fp16 on the CPU; on CUDA the same code runs with the weights on the GPU.
 */
class MixedPrecisionTrainingTest {
    private static final LoraConfig LORA = new LoraConfig(4, 8, 0.0, List.of("q_proj", "v_proj", "up_proj"), false);

    private static List<Batch> batches() {
        SplittableRandom rng = new SplittableRandom(3);
        List<Batch> out = new ArrayList<>();
        for (int b = 0; b < 2; b++) {
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

    private static LoraTrainer fp16Trainer(LlamaModel model, LossScaler scaler) {
        PrecisionPolicy policy = PrecisionPolicy.fp16();
        model.linears().values().forEach(l -> l.storeWeightAs(policy.baseWeights()));
        LoraModel lora = LoraModel.inject(model.linears(), LORA, model.manager(), 5);
        return new LoraTrainer(DataParallel.single(model, lora), new TrainOptions(0.0, 0.9, 0.999, 1e-8, 1.0, 42),
                scaler);
    }

    @Test
    void fp16BaseWeightsTrainWithFp32AdaptersAndTrackTheFp32Run() {
        TorchRuntime rt = TorchRuntime.open("cpu");
        List<Batch> data = batches();
        List<Double> fp32 = new ArrayList<>();
        try (LlamaModel model = TinyLlama.create(rt.newManager(), 11)) {
            LoraModel lora = LoraModel.inject(model.linears(), LORA, model.manager(), 5);
            LoraTrainer t = new LoraTrainer(model, lora, new TrainOptions(0.0, 0.9, 0.999, 1e-8, 1.0, 42));
            for (int s = 0; s < 20; s++) {
                fp32.add(t.step(List.of(data.get(s % 2)), 1e-2).loss());
            }
        }
        try (LlamaModel model = TinyLlama.create(rt.newManager(), 11)) {
            LoraTrainer t = fp16Trainer(model, LossScaler.dynamic());
            List<Double> fp16 = new ArrayList<>();
            for (int s = 0; s < 20; s++) {
                StepResult r = t.step(List.of(data.get(s % 2)), 1e-2);
                assertThat(r.skipped()).as("step %d at scale %s", s, r.lossScale()).isFalse();
                assertThat(r.lossScale()).isEqualTo(65536f);
                fp16.add(r.loss());
            }
            for (LoraLinear l : model.linears().values()) {
                assertThat(l.weight().getDataType()).as(l.name()).isEqualTo(DataType.FLOAT16);
                assertThat(l.weight().hasGradient()).isFalse();
            }
            for (Map.Entry<String, ai.djl.ndarray.NDArray> e : t.replicas().primary().lora().parameters().entrySet()) {
                assertThat(e.getValue().getDataType()).as(e.getKey()).isEqualTo(DataType.FLOAT32);
            }
            assertThat(t.optimizer().firstMoments().values())
                    .allSatisfy(m -> assertThat(m.getDataType()).isEqualTo(DataType.FLOAT32));
            // same start up to fp16 rounding of the base weights, and it learns like the fp32 run
            assertThat(fp16.get(0)).isCloseTo(fp32.get(0), within(2e-2));
            assertThat(fp16.get(19)).isLessThan(0.8 * fp16.get(0));
            assertThat(fp16.get(19)).isCloseTo(fp32.get(19), within(0.1 * fp32.get(19)));
        }
    }

    @Test
    void anOverflowingScaleSkipsTheStepAndBacksOff() {
        try (LlamaModel model = TinyLlama.create(TorchRuntime.open("cpu").newManager(), 11)) {
            // 2^100 times any gradient overflows fp16 (max 65504) in the half-precision backward
            LoraTrainer t = fp16Trainer(model, LossScaler.dynamic(0x1p100f, 2f, 0.5f, 2000));
            Map<String, float[]> before = new java.util.LinkedHashMap<>();
            t.replicas().primary().lora().parameters().forEach((k, p) -> before.put(k, p.toFloatArray()));
            StepResult r = t.step(List.of(batches().get(0)), 1e-2);
            assertThat(r.skipped()).isTrue();
            assertThat(r.overflow()).isTrue();
            assertThat(Double.isFinite(r.loss())).isTrue();
            assertThat(r.lossScale()).isEqualTo(0x1p100f);
            assertThat(t.lossScaler().scale()).isEqualTo(0x1p99f);
            assertThat(t.optimizer().stepCount()).isZero();
            t.replicas().primary().lora().parameters().forEach((k, p) ->
                    assertThat(p.toFloatArray()).as(k).isEqualTo(before.get(k)));
            // gradients were dropped: a later clean step starts from zero, not from the inf leftovers
            t.lossScaler().restore(new LossScaler.State(1024f, 0));
            StepResult ok = t.step(List.of(batches().get(0)), 1e-2);
            assertThat(ok.skipped()).isFalse();
            assertThat(ok.gradNorm()).isFinite();
        }
    }
}
