package org.lorapipeline.core.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.llama.LlamaConfig;
import org.lorapipeline.core.llama.LlamaModel;
import org.lorapipeline.core.llama.TinyLlamaFolder;
import org.lorapipeline.core.lora.LoraConfig;
import org.lorapipeline.core.lora.LoraModel;
import org.lorapipeline.core.train.Batch;
import org.lorapipeline.core.train.DataParallel;
import org.lorapipeline.core.train.LoraTrainer;
import org.lorapipeline.core.train.LossScaler;
import org.lorapipeline.core.train.TrainOptions;

/**
 * Measures LoRA training steps of a random LLaMA (built in memory, no files) and a matmul peak to compare with.
 * Numbers go to {@code docs/benchmarks.md}, never into test assertions.
 */
public final class LlamaBench {
    private LlamaBench() {}

    /**
     * One configuration's numbers.
     *
     * @param stepSeconds   mean wall time of a timed optimizer step
     * @param peakRssBytes  the process's peak resident memory so far (VmHWM), -1 when unknown
     * @param deviceBytes   GPU memory in use after the steps (CUDA), -1 on the CPU
     * @param gflops        achieved model FLOP/s (see {@link #flopsPerStep}) in GFLOP/s
     */
    public record Result(String name, long parameters, long trainable, int batch, int seq, int steps,
                         double stepSeconds, double tokensPerSec, long peakRssBytes, long deviceBytes, double gflops) {}

    /**
     * Dense F32 matmul GFLOP/s on the runtime's device: n x n times n x n, {@code reps} times per trial, best of three
     * trials (a shared machine's noise only ever makes a trial slower).
     */
    public static double matmulPeakGflops(TorchRuntime rt, int n, int reps) {
        try (NDManager m = rt.newManager()) {
            NDArray a = m.randomNormal(0, 1, new Shape(n, n), DataType.FLOAT32);
            NDArray b = m.randomNormal(0, 1, new Shape(n, n), DataType.FLOAT32);
            try (NDArray warm = a.matMul(b)) {
                warm.sum().getFloat(); // warm-up (and for GPUs, context creation)
            }
            double best = 0;
            for (int trial = 0; trial < 3; trial++) {
                long t0 = System.nanoTime();
                NDArray acc = null;
                for (int i = 0; i < reps; i++) {
                    NDArray c = a.matMul(b);
                    if (acc != null) {
                        acc.close();
                    }
                    acc = c;
                }
                acc.sum().getFloat(); // waits for queued GPU work
                acc.close();
                double s = (System.nanoTime() - t0) / 1e9;
                best = Math.max(best, 2.0 * n * n * (double) n * reps / s / 1e9);
            }
            return best;
        }
    }

    /**
     * Model FLOPs of one LoRA step on {@code tokens} tokens of length {@code seq}: the forward pass is
     * 2·N + 4·L·T·(heads·head_dim) per token (N = weights used in matmuls, attention scores and values), and the
     * backward pass through frozen weights (input gradients only) costs about the same for the linears and twice
     * for attention, so 4·N + 12·L·T·(heads·head_dim) per token; the LoRA matmuls are negligible.
     */
    public static double flopsPerStep(LlamaConfig c, long tokens, int seq) {
        long linear = TinyLlamaFolder.parameterCount(c) - (long) c.vocabSize() * c.hiddenSize() // embedding: a gather
                - (long) c.numHiddenLayers() * 2 * c.hiddenSize() - c.hiddenSize(); // norms
        double attention = 12.0 * c.numHiddenLayers() * seq * (double) c.numAttentionHeads() * c.headDim();
        return tokens * (4.0 * linear + attention);
    }

    /** Random weights N(0, 0.02²), norms 1, created on the device directly. */
    public static LlamaModel randomModel(TorchRuntime rt, LlamaConfig c, long seed) {
        NDManager m = rt.newManager();
        rt.seed(seed);
        Map<String, long[]> shapes = TinyLlamaFolder.shapes(c);
        return LlamaModel.create(c, m, name -> {
            long[] s = shapes.get(name);
            if (s == null) {
                return null;
            }
            return name.endsWith("norm.weight") ? m.ones(new Shape(s))
                    : m.randomNormal(0, 0.02f, new Shape(s), DataType.FLOAT32);
        });
    }

    /** Times {@code steps} optimizer steps (after 2 warm-up steps) of LoRA r=8 on q,k,v,o. */
    public static Result run(TorchRuntime rt, String name, LlamaConfig c, int batch, int seq, int steps) {
        return run(rt, name, c, batch, seq, steps, 1);
    }

    /**
     * The same with {@code replicas} data-parallel replicas on the runtime's one device: on the CPU this checks the
     * replica logic (split, gradient sum, broadcast) end to end and shows its overhead; it is not a speed-up.
     */
    public static Result run(TorchRuntime rt, String name, LlamaConfig c, int batch, int seq, int steps,
                             int replicas) {
        List<LlamaModel> models = new ArrayList<>();
        try {
            List<DataParallel.Replica> copies = new ArrayList<>();
            for (int r = 0; r < replicas; r++) {
                LlamaModel model = randomModel(rt, c, 1);
                models.add(model);
                copies.add(new DataParallel.Replica(model, LoraModel.inject(model.linears(), LoraConfig.of(8, 16),
                        model.manager(), 1)));
            }
            LoraModel lora = copies.get(0).lora();
            LoraTrainer trainer = new LoraTrainer(DataParallel.of(copies), TrainOptions.defaults(1),
                    LossScaler.disabled());
            List<Batch> data = List.of(randomBatch(c.vocabSize(), batch, seq, 3));
            for (int i = 0; i < 2; i++) {
                trainer.step(data, 1e-4);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                trainer.step(data, 1e-4); // returns after loss.getFloat(): the step's work is done
            }
            double stepSeconds = (System.nanoTime() - t0) / 1e9 / steps;
            long tokens = (long) batch * seq;
            long device = -1;
            if (rt.onGpu()) {
                try {
                    device = CudaUtils.getGpuMemory(rt.device()).getUsed();
                } catch (RuntimeException e) {
                    device = -1;
                }
            }
            return new Result(name, TinyLlamaFolder.parameterCount(c), lora.trainableCount(), batch, seq, steps,
                    stepSeconds, tokens / stepSeconds, peakRssBytes(), device,
                    flopsPerStep(c, tokens, seq) / stepSeconds / 1e9);
        } finally {
            models.forEach(LlamaModel::close);
        }
    }

    /**
     * Memory-flatness check for long runs: {@code steps} tiny steps, reporting resident memory (KiB) to
     * {@code report} every {@code every} steps.
     */
    public static void memory(TorchRuntime rt, int steps, int every, LongConsumer report) {
        LlamaConfig c = TinyLlamaFolder.tinyConfig(TinyLlamaFolder.TINY_VOCAB);
        try (LlamaModel model = randomModel(rt, c, 1)) {
            LoraModel lora = LoraModel.inject(model.linears(), LoraConfig.of(8, 16), model.manager(), 1);
            LoraTrainer trainer = new LoraTrainer(model, lora, TrainOptions.defaults(1));
            List<Batch> data = List.of(randomBatch(c.vocabSize(), 4, 64, 5));
            for (int i = 1; i <= steps; i++) {
                trainer.step(data, 1e-4);
                if (i % every == 0) {
                    report.accept(rssBytes() / 1024);
                }
            }
        }
    }

    static Batch randomBatch(int vocab, int batch, int seq, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        long[][] ids = new long[batch][seq];
        for (long[] row : ids) {
            for (int t = 0; t < seq; t++) {
                row[t] = rng.nextInt(vocab);
            }
        }
        return Batch.languageModelling(ids);
    }

    public static long peakRssBytes() {
        return procStatus("VmHWM:");
    }

    public static long rssBytes() {
        return procStatus("VmRSS:");
    }

    private static long procStatus(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** One line about the machine: OS, CPU model, cores, memory. */
    public static String machine() {
        String cpu = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException e) {
            // not Linux: keep "unknown CPU"
        }
        long mem = -1;
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            mem = os.getTotalMemorySize();
        }
        List<String> parts = new ArrayList<>();
        parts.add(System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        parts.add(cpu);
        parts.add(Runtime.getRuntime().availableProcessors() + " cores available");
        parts.add((mem >> 30) + " GiB RAM");
        parts.add("Java " + System.getProperty("java.version"));
        return String.join(", ", parts);
    }
}
