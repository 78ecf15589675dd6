package org.lorapipeline.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.lorapipeline.core.dataset.DatasetInspector;
import org.lorapipeline.core.dataset.InspectionRules;
import org.lorapipeline.core.dataset.Manifest;
import org.lorapipeline.core.dataset.SampleDatasets;
import org.lorapipeline.core.llama.TinyLlamaFolder;
import org.lorapipeline.core.safetensors.SafetensorsFile;
import org.lorapipeline.events.ObjectRef;
import org.lorapipeline.events.TrainingRequested;
import org.lorapipeline.runtime.ModelCache;
import org.lorapipeline.runtime.ObjectStore;
import org.lorapipeline.runtime.ObjectTree;
import org.lorapipeline.schemas.TopicSpec;
import org.lorapipeline.infra.StackEndpoints;
import org.lorapipeline.testkit.EventProducer;
import org.lorapipeline.testkit.TestStack;

/** A tiny LLaMA, a sample text dataset and run configs for train-service tests, all generated. */
final class TrainFixture {
    private static final java.util.concurrent.atomic.AtomicLong IDS = new java.util.concurrent.atomic.AtomicLong();
    final StackEndpoints endpoints;
    final EventProducer producer;
    final Path dir;
    final Path model;
    final Path textFile;

    TrainFixture(TestStack stack, Path dir) throws IOException {
        this(stack.endpoints(), stack.producer(), dir);
    }

    TrainFixture(StackEndpoints endpoints, EventProducer producer, Path dir) throws IOException {
        this.endpoints = endpoints;
        this.producer = producer;
        this.dir = dir.toAbsolutePath();
        this.model = this.dir.resolve("tiny-llama");
        if (!Files.isRegularFile(model.resolve("config.json"))) {
            TinyLlamaFolder.write(model, 11L);
        }
        this.textFile = this.dir.resolve("text/train.jsonl");
        Files.createDirectories(textFile.getParent());
        SampleDatasets.writeTextDataset(textFile, 20, 42);
    }

    /** Unique across JVMs with overwhelming odds, like TestStack's ids. */
    static String uniqueId(String prefix) {
        return prefix + "-" + Long.toHexString(System.nanoTime() ^ Double.doubleToLongBits(Math.random())).substring(0, 8)
                + "-" + IDS.incrementAndGet();
    }

    /** A seed-style LLaMA config: tiny and fast, deterministic (seed, CPU). */
    static String yaml(String baseModel, String trainData, int maxSteps, int saveSteps) {
        return "base_model: \"" + baseModel + "\"\n"
                + "task_type: \"text-generation\"\n"
                + "train_data_dir: \"" + trainData + "\"\n"
                + "max_seq_length: 64\n"
                + "lora_rank: 4\n"
                + "lora_alpha: 8\n"
                + "lora_dropout: 0.1\n"
                + "batch_size: 4\n"
                + "max_steps: " + maxSteps + "\n"
                + "learning_rate: 3e-2\n"
                + "warmup_steps: 2\n"
                + "save_steps: " + saveSteps + "\n"
                + "log_every_n_steps: 2\n"
                + "seed: 7\n"
                + "device: \"cpu\"\n"
                + "output_dir: \"./output/it\"\n"
                + "export_formats: [\"peft\", \"gguf\"]\n";
    }

    Map<String, String> env(String workerId) {
        Map<String, String> env = new HashMap<>(endpoints.asEnvironment());
        env.put("LORA_WORKER_ID", workerId);
        env.put("LORA_HTTP_PORT", "0");
        env.put("LORA_MAX_ATTEMPTS", "2");
        env.put("LORA_BACKOFF_INITIAL_MS", "50");
        env.put("LORA_DATA_DIR", Path.of("target", "no-dev-stack-here").toString());
        env.put("LORA_MODEL_CACHE", dir.resolve("cache-" + workerId).toString());
        env.put("LORA_TRAIN_WORK_DIR", dir.resolve("work-" + workerId).toString());
        env.put("LORA_TRAIN_PROGRESS_STEPS", "2");
        env.put("LORA_TRAIN_LOG_UPLOAD_SECONDS", "1");
        return env;
    }

    /** The tiny model in S3 as a folder tree; returns its s3:// URI. */
    String uploadModel(ObjectStore store) {
        String key = "models/tiny-llama-it";
        ObjectTree.upload(store, model, key);
        return ModelCache.uri(store.bucket(), key);
    }

    /** A dataset registered the way ingest-service leaves it: files under files/, manifest.json. */
    ObjectRef registerText(ObjectStore store, String datasetId) throws IOException {
        Path root = textFile.getParent();
        Manifest manifest = Manifest.of(DatasetInspector.inspect(root, InspectionRules.defaults()));
        for (Manifest.Text t : manifest.texts()) {
            store.putFile("datasets/" + datasetId + "/files/" + t.path(), root.resolve(t.path()));
        }
        return store.putBytes("datasets/" + datasetId + "/manifest.json", manifest.toJson(), "application/json");
    }

    /** A job as the router sends it, for a run whose config is {@code yaml}. */
    TrainingRequested job(ObjectStore store, TopicSpec<TrainingRequested> queue, String yaml) throws IOException {
        String runId = uniqueId("run");
        String datasetId = uniqueId("ds");
        return job(store, queue, yaml, runId, datasetId, registerText(store, datasetId));
    }

    TrainingRequested job(ObjectStore store, TopicSpec<TrainingRequested> queue, String yaml, String runId,
                          String datasetId, ObjectRef manifest) {
        ObjectRef config = store.putBytes(RunKeys.config(runId), yaml.getBytes(StandardCharsets.UTF_8), "application/yaml");
        TrainingRequested job = TrainingRequested.newBuilder().setEventId(uniqueId("job")).setRunId(runId)
                .setOccurredAt(Instant.now()).setDatasetId(datasetId).setManifest(manifest).setConfig(config)
                .setModelType("llama").setRequiresGpu(false).setExportFormats(List.of("peft", "gguf")).build();
        producer.send(queue, runId, job);
        return job;
    }

    /** Every tensor of two safetensors files agrees within {@code tol}; returns the largest difference. */
    static double maxDifference(Path a, Path b) throws IOException {
        double max = 0;
        try (SafetensorsFile fa = SafetensorsFile.open(a); SafetensorsFile fb = SafetensorsFile.open(b)) {
            if (!fa.names().equals(fb.names())) {
                throw new AssertionError("tensor names differ: " + fa.names() + " vs " + fb.names());
            }
            for (String n : fa.names()) {
                float[] x = fa.floats(n);
                float[] y = fb.floats(n);
                if (x.length != y.length) {
                    throw new AssertionError(n + ": " + x.length + " vs " + y.length + " values");
                }
                for (int i = 0; i < x.length; i++) {
                    max = Math.max(max, Math.abs(x[i] - y[i]));
                }
            }
        }
        return max;
    }
}
