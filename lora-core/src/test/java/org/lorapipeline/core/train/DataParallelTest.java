package org.lorapipeline.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.llama.LlamaModel;
import org.lorapipeline.core.llama.TinyLlama;
import org.lorapipeline.core.lora.LoraConfig;
import org.lorapipeline.core.lora.LoraModel;

/**
 * Data-parallel logic checked on the CPU: N replicas on the same device must compute what one replica computes over
 * the whole batch, since that is the whole contract of gradient all-reduce.
 */
class DataParallelTest {
    private static final LoraConfig LORA = new LoraConfig(4, 8, 0.0, List.of("q_proj", "v_proj", "down_proj"), false);

    private static DataParallel.Replica replica(TorchRuntime rt, long loraSeed) {
        LlamaModel model = TinyLlama.create(rt.newManager(), 11);
        return new DataParallel.Replica(model, LoraModel.inject(model.linears(), LORA, model.manager(), loraSeed));
    }

    /** Rows with a prompt masked out and uneven counted tokens, so token weighting across shards matters. */
    private static Batch batch(long seed, int rows) {
        SplittableRandom rng = new SplittableRandom(seed);
        long[][] ids = new long[rows][12];
        long[][] labels = new long[rows][12];
        for (int r = 0; r < rows; r++) {
            int prompt = 1 + rng.nextInt(8);
            for (int t = 0; t < 12; t++) {
                ids[r][t] = rng.nextInt(50);
                labels[r][t] = t < prompt ? CausalLmLoss.IGNORE_INDEX : ids[r][t];
            }
        }
        return new Batch(ids, labels);
    }

    private static Map<String, float[]> values(Map<String, NDArray> arrays) {
        Map<String, float[]> out = new LinkedHashMap<>();
        arrays.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    private static void assertClose(Map<String, float[]> got, Map<String, float[]> want, float tol, String what) {
        assertThat(got.keySet()).isEqualTo(want.keySet());
        want.forEach((k, w) -> {
            float[] g = got.get(k);
            for (int i = 0; i < w.length; i++) {
                assertThat(g[i]).as("%s %s[%d]", what, k, i).isCloseTo(w[i], within(tol));
            }
        });
    }

    @Test
    void shardsSplitRowsEvenlyInOrder() {
        Batch b = batch(1, 5);
        List<Batch> shards = DataParallel.shard(b, 2);
        assertThat(shards).hasSize(2);
        assertThat(shards.get(0).ids()).hasDimensions(3, 12);
        assertThat(shards.get(1).ids()).hasDimensions(2, 12);
        assertThat(shards.get(1).ids()[0]).isEqualTo(b.ids()[3]);
        assertThat(shards.get(1).labels()[1]).isEqualTo(b.labels()[4]);
        assertThat(DataParallel.shard(b, 8)).hasSize(5); // fewer rows than replicas: idle replicas
        assertThatThrownBy(() -> DataParallel.shard(b, 0)).hasMessageContaining("shards");
    }

    @Test
    void twoReplicasOverHalfBatchesMatchOneReplicaOverTheFullBatch() {
        TorchRuntime rt = TorchRuntime.open("cpu");
        DataParallel.Replica single = replica(rt, 5);
        // replica 1 starts from other LoRA values: of() must broadcast replica 0's
        DataParallel.Replica r0 = replica(rt, 5);
        DataParallel.Replica r1 = replica(rt, 99);
        try (LlamaModel a = single.model(); LlamaModel b0 = r0.model(); LlamaModel b1 = r1.model()) {
            DataParallel one = DataParallel.single(a, single.lora());
            DataParallel two = DataParallel.of(List.of(r0, r1));
            assertClose(values(r1.lora().parameters()), values(r0.lora().parameters()), 0f, "broadcast");
            List<Batch> micro = List.of(batch(2, 4), batch(3, 3)); // 3 rows split 2 + 1
            long total = micro.stream().mapToLong(x -> CausalLmLoss.countedTokens(x.labels())).sum();

            // the accumulated, all-reduced gradient
            double lossOne = 0;
            double lossTwo = 0;
            for (Batch x : micro) {
                lossOne += one.forwardBackward(x, total, 1f);
                lossTwo += two.forwardBackward(x, total, 1f);
            }
            assertThat(lossTwo).isCloseTo(lossOne, within(1e-5 * total));
            try (NDScope scope = new NDScope()) {
                assertClose(values(two.reduceGradients()), values(one.reduceGradients()), 1e-6f, "gradient");
                scope.suppressNotUsedWarning();
            }
            one.zeroGradients();
            two.zeroGradients();

            // and whole trainer steps: the same updates on replica 0, replica 1 kept in sync by the broadcast
            TrainOptions opts = new TrainOptions(0.01, 0.9, 0.999, 1e-8, 1.0, 42);
            LoraTrainer t1 = new LoraTrainer(one, opts, LossScaler.disabled());
            LoraTrainer t2 = new LoraTrainer(two, opts, LossScaler.disabled());
            List<Double> l1 = new ArrayList<>();
            List<Double> l2 = new ArrayList<>();
            for (int s = 0; s < 3; s++) {
                StepResult s1 = t1.step(micro, 1e-2);
                StepResult s2 = t2.step(micro, 1e-2);
                l1.add(s1.loss());
                l2.add(s2.loss());
                assertThat(s2.gradNorm()).isCloseTo(s1.gradNorm(), within(1e-5));
            }
            assertThat(l1.get(2)).isLessThan(l1.get(0)); // it trains
            for (int s = 0; s < 3; s++) {
                assertThat(l2.get(s)).isCloseTo(l1.get(s), within(1e-5));
            }
            assertClose(values(r0.lora().parameters()), values(single.lora().parameters()), 1e-6f, "update");
            assertClose(values(r1.lora().parameters()), values(r0.lora().parameters()), 0f, "replica 1");
        }
    }

    @Test
    void replicasMustHaveTheSameAdapters() {
        TorchRuntime rt = TorchRuntime.open("cpu");
        DataParallel.Replica r0 = replica(rt, 5);
        LlamaModel other = TinyLlama.create(rt.newManager(), 11);
        try (LlamaModel a = r0.model(); LlamaModel b = other) {
            LoraModel wider = LoraModel.inject(b.linears(), new LoraConfig(8, 8, 0.0,
                    List.of("q_proj", "v_proj", "down_proj"), false), b.manager(), 5);
            assertThatThrownBy(() -> DataParallel.of(List.of(r0, new DataParallel.Replica(b, wider))))
                    .hasMessageContaining("replica 1").hasMessageContaining("shape");
        }
    }
}
