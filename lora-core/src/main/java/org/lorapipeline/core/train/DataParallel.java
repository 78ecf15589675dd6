package org.lorapipeline.core.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipeline.core.engine.Gradients;
import org.lorapipeline.core.engine.Ops;
import org.lorapipeline.core.engine.Tensors;
import org.lorapipeline.core.llama.LlamaModel;
import org.lorapipeline.core.lora.LoraModel;

/**
 * Single-node data parallelism over model replicas, the DJL equivalent of what {@code DistributedDataParallel}
 * does for one process per GPU, done from one JVM thread:
 * <ol>
 *   <li>each micro-batch is split by rows into one shard per replica ({@link #shard});</li>
 *   <li>every replica runs forward and backward on its shard with its own copy of the base weights and the LoRA
 *       parameters (all replicas hold the same values); each replica's loss is weighted by its share of the
 *       step's counted tokens, so the sum of the replica gradients is exactly the gradient of the mean loss over
 *       the whole batch;</li>
 *   <li>{@link #reduceGradients} sums the replica gradients onto replica 0 (device-to-device copies through
 *       PyTorch, not NCCL), where the trainer clips and steps the optimizer once;</li>
 *   <li>{@link #broadcastParameters} copies the updated parameters back to every other replica.</li>
 * </ol>
 * Replicas are driven in turn from one thread; on CUDA the kernels of one replica are queued asynchronously, so
 * devices can overlap, but that was not measured (no GPU in CI). A single replica is plain training.
 */
public final class DataParallel {

    /**
     * One copy of the model on one device.
     *
     * @param model the base model, its weights on the replica's device
     * @param lora  the adapters injected into that copy, same keys and shapes as every other replica
     */
    public record Replica(LlamaModel model, LoraModel lora) {
        public Replica {
            if (model == null || lora == null) {
                throw new IllegalArgumentException("a replica needs a model and its LoRA");
            }
        }

        public Device device() {
            return model.manager().getDevice();
        }
    }

    private final List<Replica> replicas;

    private DataParallel(List<Replica> replicas) {
        this.replicas = List.copyOf(replicas);
    }

    /** Plain single-device training. */
    public static DataParallel single(LlamaModel model, LoraModel lora) {
        return new DataParallel(List.of(new Replica(model, lora)));
    }

    /**
     * Replicas whose LoRA parameters all match replica 0 by name and shape; replica 0's values are copied to the
     * others so they start identical whatever their own initialisation.
     */
    public static DataParallel of(List<Replica> replicas) {
        if (replicas.isEmpty()) {
            throw new IllegalArgumentException("data parallel needs at least one replica");
        }
        Map<String, NDArray> first = replicas.get(0).lora().parameters();
        for (int r = 1; r < replicas.size(); r++) {
            Map<String, NDArray> other = replicas.get(r).lora().parameters();
            if (!other.keySet().equals(first.keySet())) {
                throw new IllegalArgumentException("replica " + r + " has other LoRA parameters than replica 0");
            }
            for (Map.Entry<String, NDArray> e : first.entrySet()) {
                if (!other.get(e.getKey()).getShape().equals(e.getValue().getShape())) {
                    throw new IllegalArgumentException("replica " + r + ": " + e.getKey() + " has shape "
                            + other.get(e.getKey()).getShape() + ", replica 0 has " + e.getValue().getShape());
                }
            }
        }
        DataParallel dp = new DataParallel(replicas);
        dp.broadcastParameters();
        return dp;
    }

    public int size() {
        return replicas.size();
    }

    public List<Replica> replicas() {
        return replicas;
    }

    /** Replica 0: its parameters are the ones the optimizer updates and checkpoints save. */
    public Replica primary() {
        return replicas.get(0);
    }

    /**
     * Splits a batch by rows into at most {@code n} contiguous shards, sizes differing by at most one (the first
     * {@code rows % n} shards take one row more); fewer rows than replicas give fewer shards.
     */
    public static List<Batch> shard(Batch batch, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("shards must be >= 1, got " + n);
        }
        int rows = batch.ids().length;
        int shards = Math.min(n, rows);
        List<Batch> out = new ArrayList<>(shards);
        int start = 0;
        for (int s = 0; s < shards; s++) {
            int size = rows / shards + (s < rows % shards ? 1 : 0);
            long[][] ids = new long[size][];
            long[][] labels = new long[size][];
            System.arraycopy(batch.ids(), start, ids, 0, size);
            System.arraycopy(batch.labels(), start, labels, 0, size);
            out.add(new Batch(ids, labels));
            start += size;
        }
        return out;
    }

    /**
     * Forward and backward of one micro-batch over all replicas; gradients add into each replica's LoRA
     * {@code .grad} (accumulation across micro-batches is PyTorch's own).
     *
     * @param batch       the micro-batch
     * @param stepTokens  counted tokens of the whole optimizer step (all micro-batches)
     * @param lossScale   1, or the fp16 loss scale
     * @return the sum over shards of {@code loss_shard * countedTokens_shard}; each shard's backward runs on
     *         {@code loss_shard * countedTokens_shard / stepTokens * lossScale}, so the summed gradient is the
     *         (scaled) gradient of the step's mean loss
     */
    public double forwardBackward(Batch batch, long stepTokens, float lossScale) {
        List<Batch> shards = shard(batch, replicas.size());
        Engine engine = primary().model().manager().getEngine();
        double lossSum = 0;
        try (NDScope scope = new NDScope()) {
            List<NDManager> managers = new ArrayList<>();
            List<NDArray> losses = new ArrayList<>();
            List<Long> counts = new ArrayList<>();
            try (GradientCollector gc = engine.newGradientCollector()) {
                for (int s = 0; s < shards.size(); s++) {
                    Batch shard = shards.get(s);
                    long counted = CausalLmLoss.countedTokens(shard.labels());
                    if (counted == 0) {
                        continue;
                    }
                    LlamaModel model = replicas.get(s).model();
                    NDManager step = model.manager().newSubManager();
                    managers.add(step);
                    NDArray loss = CausalLmLoss.loss(model.forward(Tensors.ids(step, shard.ids()), true),
                            shard.labels());
                    // no host read between replicas, so CUDA devices can run while the next replica is queued
                    gc.backward(Ops.scale(loss, (float) counted / stepTokens * lossScale));
                    losses.add(loss);
                    counts.add(counted);
                }
            }
            for (int i = 0; i < losses.size(); i++) {
                lossSum += losses.get(i).getFloat() * counts.get(i);
            }
            managers.forEach(NDManager::close);
            scope.suppressNotUsedWarning();
        }
        return lossSum;
    }

    /**
     * Adds every other replica's gradients into replica 0's and returns replica 0's gradients by parameter name.
     * Call inside an NDScope: the returned arrays are views of {@code .grad} owned by that scope.
     */
    public Map<String, NDArray> reduceGradients() {
        Map<String, NDArray> grads = new LinkedHashMap<>();
        Device target = primary().device();
        primary().lora().parameters().forEach((k, p) -> grads.put(k, p.getGradient()));
        for (int r = 1; r < replicas.size(); r++) {
            for (Map.Entry<String, NDArray> e : replicas.get(r).lora().parameters().entrySet()) {
                NDArray g = e.getValue().getGradient();
                grads.get(e.getKey()).addi(g.getDevice().equals(target) ? g : g.toDevice(target, true));
            }
        }
        return grads;
    }

    /** Copies replica 0's parameter values into every other replica (through host memory; LoRA weights are small). */
    public void broadcastParameters() {
        Map<String, NDArray> source = primary().lora().parameters();
        for (int r = 1; r < replicas.size(); r++) {
            for (Map.Entry<String, NDArray> e : replicas.get(r).lora().parameters().entrySet()) {
                e.getValue().set(Tensors.toFloats(source.get(e.getKey())));
            }
        }
    }

    /** Zeroes the LoRA gradients of every replica (after each optimizer step, taken or skipped). */
    public void zeroGradients() {
        replicas.forEach(r -> r.lora().parameters().values().forEach(Gradients::zero));
    }
}
