package org.lorapipeline.export;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.lorapipeline.core.llama.LlamaConfig;
import org.lorapipeline.core.llama.TinyLlamaFolder;
import org.lorapipeline.core.peft.AdapterConfig;
import org.lorapipeline.core.peft.LlamaProjection;
import org.lorapipeline.core.peft.PeftAdapter;
import org.lorapipeline.core.peft.PeftKeys;
import org.lorapipeline.core.tensor.FloatTensor;
import org.lorapipeline.events.ObjectRef;
import org.lorapipeline.events.TrainingFinished;
import org.lorapipeline.runtime.ModelCache;
import org.lorapipeline.runtime.ObjectStore;
import org.lorapipeline.runtime.ObjectTree;

/**
 * A finished LLaMA run as train-service leaves it in S3: a tiny generated base model under {@code models/…}, a PEFT
 * adapter with non-zero A and B (so the merge visibly changes the weights) plus {@code base_config.json} under
 * {@code runs/<runId>/adapter/}, and the run's {@code config.yaml} naming the base model by its {@code s3://} URI.
 */
final class LlamaRunFixture {
    static final int RANK = 4;
    static final double ALPHA = 8;
    static final List<LlamaProjection> TARGETS = List.of(LlamaProjection.Q_PROJ, LlamaProjection.V_PROJ);
    static final String OUTPUT_NAME = "tiny_chat";

    final Path baseDir;
    final LlamaConfig llama;
    final String baseUri;
    private final ObjectStore store;
    private final Path tmp;

    LlamaRunFixture(ObjectStore store, Path tmp, String modelKey) throws IOException {
        this.store = store;
        this.tmp = tmp;
        this.baseDir = tmp.resolve("tiny-llama");
        this.llama = TinyLlamaFolder.write(baseDir, 7L);
        ObjectTree.upload(store, baseDir, modelKey);
        this.baseUri = ModelCache.uri(store.bucket(), modelKey);
    }

    /** An adapter with seeded random A [r, in] and B [out, r]. */
    PeftAdapter adapter(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        for (int layer = 0; layer < llama.numHiddenLayers(); layer++) {
            for (LlamaProjection p : TARGETS) {
                long in = llama.hiddenSize();
                long out = p == LlamaProjection.Q_PROJ ? (long) llama.numAttentionHeads() * llama.headDim()
                        : (long) llama.numKeyValueHeads() * llama.headDim();
                tensors.put(PeftKeys.loraA(layer, p), random(rng, RANK, in));
                tensors.put(PeftKeys.loraB(layer, p), random(rng, out, RANK));
            }
        }
        AdapterConfig config = AdapterConfig.causalLm(baseUri, RANK, ALPHA, TARGETS.stream().map(LlamaProjection::module).toList());
        return new PeftAdapter(config, tensors);
    }

    /** Uploads the adapter tree and config.yaml of {@code runId}; returns the training.finished event for it. */
    TrainingFinished finishedRun(String runId, String eventId, PeftAdapter adapter, List<String> formats) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("adapter-" + runId));
        adapter.write(dir);
        Files.copy(baseDir.resolve("config.json"), dir.resolve(LlamaExporter.BASE_CONFIG));
        ObjectRef adapterIndex = ObjectTree.upload(store, dir, ExportLayout.runPrefix(runId) + "adapter");
        String yaml = "model_type: llama\nbase_model: " + baseUri + "\ntrain_data_dir: ./data/chat.jsonl\n"
                + "output_name: " + OUTPUT_NAME + "\nlora_rank: " + RANK + "\nlora_alpha: " + ALPHA + "\n";
        ObjectRef config = store.putBytes(ExportLayout.runPrefix(runId) + "config.yaml", yaml.getBytes(StandardCharsets.UTF_8));
        return TrainingFinished.newBuilder().setEventId(eventId).setRunId(runId).setOccurredAt(Instant.now())
                .setWorkerId("train-it").setAttempt(1).setSteps(10).setFinalLoss(1.25).setModelType("llama")
                .setAdapter(adapterIndex).setConfig(config).setExportFormats(formats).build();
    }

    private static FloatTensor random(SplittableRandom rng, long rows, long cols) {
        float[] v = new float[Math.toIntExact(rows * cols)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rng.nextDouble() * 0.4 - 0.2);
        }
        return new FloatTensor(new long[] {rows, cols}, v);
    }
}
