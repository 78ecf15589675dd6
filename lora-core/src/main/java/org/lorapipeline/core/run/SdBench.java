package org.lorapipeline.core.run;

import ai.djl.ndarray.NDManager;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.lora.LoraConfig;
import org.lorapipeline.core.lora.LoraModel;
import org.lorapipeline.core.safetensors.DType;
import org.lorapipeline.core.safetensors.TensorInfo;
import org.lorapipeline.core.safetensors.TensorSource;
import org.lorapipeline.core.sd.NoiseSchedule;
import org.lorapipeline.core.sd.SchedulerConfig;
import org.lorapipeline.core.sd.SdWeights;
import org.lorapipeline.core.sd.train.LatentBatch;
import org.lorapipeline.core.sd.train.SdLoraTargets;
import org.lorapipeline.core.sd.train.SdTrainOptions;
import org.lorapipeline.core.sd.train.SdTrainer;
import org.lorapipeline.core.sd.unet.UNet2DConditionModel;
import org.lorapipeline.core.sd.unet.UNetConfig;
import org.lorapipeline.core.sd.vae.LatentDistribution;
import org.lorapipeline.core.train.TrainOptions;

/**
 * Measures the UNet LoRA training step (forward, backward, AdamW)
 * (zero text states: the frozen text encoder is outside the step) of a UNet with random weights generated in memory, at a given image size, so full SD 1.5 can be timed without a
 * download. Numbers go to {@code docs/benchmarks.md}, never into tests.
 */
public final class SdBench {
    private SdBench() {}

    /**
     * @param stepSeconds mean wall time of a timed step
     * @param peakRssBytes process peak resident memory (VmHWM), -1 when unknown
     * @param peakHeapBytes peak JVM heap use over all heap pools
     */
    public record Result(String name, long parameters, long trainable, int batch, int imageSize, int steps,
                         double stepSeconds, long peakRssBytes, long peakHeapBytes) {}

    /** Latents are image/8 as in SD (the UNet alone is timed; the VAE factor is SD's 8). */
    public static Result run(TorchRuntime rt, String name, UNetConfig c, int batch, int imageSize, int steps) {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        Map<String, long[]> shapes;
        try (NDManager m = rt.newManager()) {
            SdWeights rec = SdWeights.recorder(m, "unet");
            UNet2DConditionModel.create(c, rec);
            shapes = Map.copyOf(rec.recorded());
        }
        long params = shapes.values().stream().mapToLong(s -> new ai.djl.ndarray.types.Shape(s).size()).sum();
        try (UNet2DConditionModel unet = UNet2DConditionModel.create(c, new SdWeights(new RandomWeights(shapes),
                rt.newManager(), "unet"))) {
            LoraModel lora = LoraModel.inject(SdLoraTargets.linears(unet.linears(), null), new LoraConfig(8, 8, 0,
                    SdLoraTargets.expand(List.of("Transformer2DModel"), false), false), unet.manager(), 1);
            SdTrainer trainer = new SdTrainer(unet, null, lora, new NoiseSchedule(SchedulerConfig.sd15()), false,
                    new SdTrainOptions(TrainOptions.defaults(1), 0, 0, false));
            int h = imageSize / 8;
            float[] z;
            try (NDManager m = rt.newManager()) {
                z = LatentDistribution.gaussian(m, 3, batch, c.inChannels(), h, h).toFloatArray();
            }
            LatentBatch data = new LatentBatch(z, new long[] {batch, c.inChannels(), h, h}, new long[batch][77]);
            trainer.step(List.of(data), 1e-4, 0, 1); // warm-up
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                trainer.step(List.of(data), 1e-4, 0, 2 + i);
            }
            double stepSeconds = (System.nanoTime() - t0) / 1e9 / steps;
            long heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP && p.getPeakUsage() != null)
                    .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            return new Result(name, params, lora.trainableCount(), batch, imageSize, steps, stepSeconds,
                    LlamaBench.peakRssBytes(), heap);
        }
    }

    /** Seeded values per tensor generated when read, never all held in Java: norms near 1, U(+-sqrt(3/fan_in)). */
    static final class RandomWeights implements TensorSource {
        private final Map<String, long[]> shapes;

        RandomWeights(Map<String, long[]> shapes) {
            this.shapes = shapes;
        }

        @Override
        public List<String> names() {
            return List.copyOf(shapes.keySet());
        }

        @Override
        public boolean contains(String name) {
            return shapes.containsKey(name);
        }

        @Override
        public TensorInfo info(String name) {
            long[] s = shapes.get(name);
            long bytes = 4 * new ai.djl.ndarray.types.Shape(s).size();
            return new TensorInfo(name, DType.F32, s, 0, bytes);
        }

        @Override
        public float[] floats(String name) {
            long[] s = shapes.get(name);
            float[] v = new float[Math.toIntExact(new ai.djl.ndarray.types.Shape(s).size())];
            SplittableRandom rng = new SplittableRandom(name.hashCode());
            boolean vector = s.length == 1;
            double bound = vector ? 0.1 : Math.sqrt(3.0 * s[0] / v.length);
            for (int i = 0; i < v.length; i++) {
                double u = (rng.nextDouble() * 2 - 1) * bound;
                v[i] = (float) (vector && name.endsWith(".weight") ? 1 + u : u);
            }
            return v;
        }

        @Override
        public long[] longs(String name) {
            throw new UnsupportedOperationException("float weights only");
        }

        @Override
        public ByteBuffer bytes(String name) {
            throw new UnsupportedOperationException("float weights only");
        }

        @Override
        public Map<String, String> metadata() {
            return Map.of();
        }

        @Override
        public void close() {}
    }
}
