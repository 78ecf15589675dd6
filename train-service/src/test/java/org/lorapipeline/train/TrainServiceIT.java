package org.lorapipeline.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.lorapipeline.core.config.RunConfig;
import org.lorapipeline.core.run.LoraRun;
import org.lorapipeline.events.CaptionsReady;
import org.lorapipeline.events.CheckpointSaved;
import org.lorapipeline.events.DatasetSource;
import org.lorapipeline.events.DatasetSubmitted;
import org.lorapipeline.events.SourceKind;
import org.lorapipeline.events.TrainingCancelRequested;
import org.lorapipeline.events.TrainingFailed;
import org.lorapipeline.events.TrainingFinished;
import org.lorapipeline.events.TrainingProgressed;
import org.lorapipeline.events.TrainingRequested;
import org.lorapipeline.events.TrainingStarted;
import org.lorapipeline.ingest.IngestService;
import org.lorapipeline.label.LabelService;
import org.lorapipeline.runtime.EventLoop;
import org.lorapipeline.runtime.ObjectStore;
import org.lorapipeline.runtime.ObjectTree;
import org.lorapipeline.runtime.Service;
import org.lorapipeline.runtime.ServiceConfigLoader;
import org.lorapipeline.schemas.Topics;
import org.lorapipeline.testkit.EventProbe;
import org.lorapipeline.testkit.RealStack;
import org.lorapipeline.testkit.TestStack;

/**
 * train-service in-process on the real stack with ingest-service and label-service: whole runs through the events,
 * duplicates, cancel, a tampered object, two workers sharing four jobs. The worker uses the catalog queue under a
 * consumer group of its own.
 */
@RealStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainServiceIT {
    private static final Duration WAIT = Duration.ofSeconds(180);

    private final TestStack stack;
    private final List<Service> services = new ArrayList<>();
    private final String serviceName;
    private TrainFixture fx;
    private ObjectStore store;
    private String baseUri;
    private Service train;
    private EventProbe<TrainingStarted> started;
    private EventProbe<TrainingProgressed> progressed;
    private EventProbe<CheckpointSaved> checkpoints;
    private EventProbe<TrainingFinished> finished;
    private EventProbe<TrainingFailed> failed;
    private EventProbe<TrainingRequested> requested;

    TrainServiceIT(TestStack stack) {
        this.stack = stack;
        this.serviceName = stack.uniqueId("train-it").toLowerCase();
    }

    private Service start(String name, String worker, TrainSettings settings, java.util.function.Consumer<Service> wiring)
            throws Exception {
        Map<String, String> env = fx.env(worker);
        Service s = Service.start(ServiceConfigLoader.load(name, new String[0], env), wiring::accept);
        services.add(s);
        return s;
    }

    private Service startTrain(String worker, boolean router) throws Exception {
        TrainSettings settings = TrainSettings.fromEnvironment(fx.env(worker)).withRoles(router, true);
        return start(serviceName, worker, settings, s -> TrainService.wire(s, settings));
    }

    @BeforeAll
    void startServices() throws Exception {
        fx = new TrainFixture(stack, Files.createTempDirectory(Path.of("target"), "train-it"));
        start(IngestService.NAME, "ingest-it", null, IngestService::wire);
        start(LabelService.NAME, "label-it", null, LabelService::wire);
        train = startTrain("worker-a", true);
        store = train.store();
        baseUri = fx.uploadModel(store);
        started = stack.probe(Topics.TRAINING_STARTED);
        progressed = stack.probe(Topics.TRAINING_PROGRESSED);
        checkpoints = stack.probe(Topics.CHECKPOINT_SAVED);
        finished = stack.probe(Topics.TRAINING_FINISHED);
        failed = stack.probe(Topics.TRAINING_FAILED);
        requested = stack.probe(Topics.TRAINING_REQUESTED);
    }

    @AfterAll
    void stop() {
        for (var p : List.of(started, progressed, checkpoints, finished, failed, requested)) {
            if (p != null) {
                p.close();
            }
        }
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
    }

    private DatasetSubmitted submitted(String runId, String datasetId, String yaml) {
        String prefix = "uploads/" + datasetId + "/files/";
        store.putFile(prefix + "train.jsonl", fx.textFile);
        var config = store.putBytes("submissions/" + runId + "/config.yaml", yaml.getBytes(StandardCharsets.UTF_8));
        return DatasetSubmitted.newBuilder().setEventId(stack.uniqueId("evt")).setRunId(runId)
                .setOccurredAt(Instant.now()).setDatasetId(datasetId)
                .setSource(DatasetSource.newBuilder().setKind(SourceKind.S3_PREFIX).setBucket(store.bucket()).setPrefix(prefix).build())
                .setConfig(config).build();
    }

    @Test
    void aRunThroughTheEventsEndsWithTheSameAdapterAsALocalRunAndADuplicateSubmissionAddsNoRun() throws Exception {
        String runId = stack.uniqueId("run");
        String yaml = TrainFixture.yaml(baseUri, "./data/customer_service", 8, 4);
        DatasetSubmitted first = submitted(runId, stack.uniqueId("ds"), yaml);
        stack.producer().send(Topics.DATASET_SUBMITTED, runId, first);
        // the same submission again under a new event id (a client retry): still one run
        DatasetSubmitted again = DatasetSubmitted.newBuilder(first).setEventId(stack.uniqueId("evt")).build();
        stack.producer().send(Topics.DATASET_SUBMITTED, runId, again);

        TrainingFinished done = finished.awaitKey(runId, WAIT);
        TrainingStarted start = started.awaitKey(runId, WAIT);
        assertThat(start.getAttempt()).isEqualTo(1);
        assertThat(start.getDevice()).isEqualTo("cpu");
        assertThat(start.getFreeMemoryBytes()).isPositive();
        assertThat(start.getTotalSteps()).isEqualTo(8);
        assertThat(start.getResumedFromStep()).isNull();
        List<TrainingProgressed> progress = progressed.awaitCount(p -> p.getRunId().equals(runId), 4, WAIT);
        assertThat(progress).extracting(TrainingProgressed::getStep).containsExactly(1L, 3L, 5L, 7L);
        assertThat(progressed.awaitKey(runId, WAIT)).isNotNull();
        assertThat(progress.get(3).getItPerSec()).isPositive();
        assertThat(progress.get(3).getEtaSeconds()).isNotNull();
        List<CheckpointSaved> saved = checkpoints.awaitCount(c -> c.getRunId().equals(runId), 2, WAIT);
        assertThat(saved).extracting(CheckpointSaved::getStep).containsExactly(4L, 8L);
        assertThat(saved.get(0).getCheckpoint().getKey()).isEqualTo("runs/" + runId + "/checkpoints/checkpoint-000004/index.json");

        assertThat(done.getSteps()).isEqualTo(8);
        assertThat(done.getModelType()).isEqualTo("llama");
        assertThat(done.getExportFormats()).containsExactly("peft", "gguf");
        assertThat(done.getAdapter().getKey()).isEqualTo("runs/" + runId + "/adapter/index.json");
        assertThat(done.getConfig().getKey()).isEqualTo("runs/" + runId + "/config.yaml");
        assertThat(new String(store.getBytes(done.getConfig()), StandardCharsets.UTF_8)).isEqualTo(yaml);
        assertThat(ObjectTree.entries(store, done.getAdapter())).extracting(ObjectTree.Entry::path)
                .containsExactlyInAnyOrder("adapter_config.json", "adapter_model.safetensors", "base_config.json");
        assertThat(store.list(RunKeys.logs(runId))).as("TensorBoard files in S3").isNotEmpty();
        Path pulled = ObjectTree.download(store, done.getAdapter(), fx.dir.resolve("pulled-" + runId));

        // the same config trained locally, without the pipeline
        Path local = fx.dir.resolve("local-" + runId);
        Files.createDirectories(local);
        String localYaml = TrainFixture.yaml(fx.model.toString(), fx.textFile.toString(), 8, 4);
        LoraRun.run(RunConfig.parse(localYaml, "local.yaml"), local, null, null);
        assertThat(TrainFixture.maxDifference(pulled.resolve("adapter_model.safetensors"),
                local.resolve("output/it/adapter_model.safetensors"))).isLessThanOrEqualTo(1e-6);

        // both submissions got their captions, the router made one job of them
        try (EventProbe<CaptionsReady> ready = stack.probe(Topics.CAPTIONS_READY)) {
            ready.awaitCount(c -> c.getRunId().equals(runId), 2, WAIT);
        }
        Thread.sleep(2000); // the router handles the second captions.ready right after the first
        assertThat(requested.readToEnd(Duration.ofSeconds(10)).stream().filter(r -> runId.equals(r.key())).count()).isEqualTo(1);
        assertThat(finished.readToEnd(Duration.ofSeconds(5)).stream().filter(r -> runId.equals(r.key())).count()).isEqualTo(1);
    }
}
