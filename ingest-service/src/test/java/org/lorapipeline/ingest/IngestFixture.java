package org.lorapipeline.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecordBase;
import org.lorapipeline.events.DatasetRegistered;
import org.lorapipeline.events.DatasetRejected;
import org.lorapipeline.events.DatasetSource;
import org.lorapipeline.events.DatasetSubmitted;
import org.lorapipeline.events.ObjectRef;
import org.lorapipeline.events.SourceKind;
import org.lorapipeline.runtime.ObjectStore;
import org.lorapipeline.runtime.Service;
import org.lorapipeline.runtime.ServiceConfig;
import org.lorapipeline.runtime.ServiceConfigLoader;
import org.lorapipeline.schemas.Topics;
import org.lorapipeline.testkit.EventProbe;
import org.lorapipeline.testkit.TestStack;

/** The ingest-service running in-process on the real stack, and ways to submit datasets to it. */
final class IngestFixture implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final String SD_CONFIG = """
            train_data_dir: "./data/style_train"
            metadata_path: "./data/style_train/metadata.csv"
            base_model: "./models/v1-5-pruned.safetensors"
            lora_rank: 8
            batch_size: 4
            epochs: 10
            learning_rate: 2e-4
            output_dir: "./output/my_style_lora"
            save_steps: 100
            """;
    static final String LLM_CONFIG = """
            base_model: "./models/tiny-llama"
            task_type: "text-generation"
            train_data_dir: "./data/customer_service"
            max_seq_length: 512
            lora_rank: 16
            lora_alpha: 32
            lora_dropout: 0.1
            output_dir: "./output/cs_lora"
            """;

    final TestStack stack;
    final Service service;
    final ObjectStore store;
    final EventProbe<DatasetRegistered> registered;
    final EventProbe<DatasetRejected> rejected;

    IngestFixture(TestStack stack) throws Exception {
        this.stack = stack;
        Map<String, String> env = new HashMap<>(stack.environment());
        env.put("LORA_WORKER_ID", "ingest-it");
        env.put("LORA_HTTP_PORT", "0");
        env.put("LORA_MAX_ATTEMPTS", "2");
        env.put("LORA_BACKOFF_INITIAL_MS", "50");
        env.put("LORA_DATA_DIR", Path.of("target", "no-dev-stack-here").toString());
        ServiceConfig config = ServiceConfigLoader.load(IngestService.NAME, new String[0], env);
        this.service = Service.start(config, IngestService::wire);
        this.store = service.store();
        this.registered = stack.probe(Topics.DATASET_REGISTERED);
        this.rejected = stack.probe(Topics.DATASET_REJECTED);
    }

    /** Uploads every file under {@code dir} and the config, publishes dataset.submitted; returns the event. */
    DatasetSubmitted submitFolder(Path dir, String yaml) throws IOException {
        String runId = stack.uniqueId("run");
        String datasetId = stack.uniqueId("ds");
        String prefix = "uploads/" + datasetId + "/files/";
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                store.putFile(prefix + dir.relativize(f).toString().replace('\\', '/'), f);
            }
        }
        DatasetSource source = DatasetSource.newBuilder().setKind(SourceKind.S3_PREFIX).setBucket(store.bucket())
                .setPrefix(prefix).build();
        return submit(runId, datasetId, source, yaml);
    }

    DatasetSubmitted submitZip(Path zip, String yaml) {
        String runId = stack.uniqueId("run");
        String datasetId = stack.uniqueId("ds");
        ObjectRef archive = store.putFile("uploads/" + datasetId + "/dataset.zip", zip);
        DatasetSource source = DatasetSource.newBuilder().setKind(SourceKind.ZIP_ARCHIVE).setBucket(store.bucket())
                .setArchive(archive).build();
        return submit(runId, datasetId, source, yaml);
    }

    DatasetSubmitted submit(String runId, String datasetId, DatasetSource source, String yaml) {
        ObjectRef config = store.putBytes("submissions/" + runId + "/config.yaml", yaml.getBytes(StandardCharsets.UTF_8));
        DatasetSubmitted event = DatasetSubmitted.newBuilder().setEventId(stack.uniqueId("evt")).setRunId(runId)
                .setOccurredAt(Instant.now()).setDatasetId(datasetId).setSource(source).setConfig(config).build();
        send(event);
        return event;
    }

    void send(DatasetSubmitted event) {
        stack.producer().send(Topics.DATASET_SUBMITTED, event.getRunId(), event);
    }

    /** The run's outcome: a DatasetRegistered or a DatasetRejected, whichever arrives. */
    SpecificRecordBase outcome(String runId) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            var reg = registered.seen().stream().filter(r -> runId.equals(r.key())).findFirst();
            if (reg.isPresent()) {
                return reg.get().value();
            }
            var rej = rejected.seen().stream().filter(r -> runId.equals(r.key())).findFirst();
            if (rej.isPresent()) {
                return rej.get().value();
            }
            registered.readToEnd(Duration.ofSeconds(10));
            rejected.readToEnd(Duration.ofSeconds(10));
            sleep();
        }
        throw new AssertionError("no registration or rejection for " + runId + " within " + WAIT);
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    DatasetRegistered registered(String runId) {
        SpecificRecordBase r = outcome(runId);
        if (r instanceof DatasetRegistered reg) {
            return reg;
        }
        throw new AssertionError("expected a registration for " + runId + " but got " + r);
    }

    DatasetRejected rejected(String runId) {
        SpecificRecordBase r = outcome(runId);
        if (r instanceof DatasetRejected rej) {
            return rej;
        }
        throw new AssertionError("expected a rejection for " + runId + " but got " + r);
    }

    @Override
    public void close() {
        registered.close();
        rejected.close();
        service.close();
    }
}
