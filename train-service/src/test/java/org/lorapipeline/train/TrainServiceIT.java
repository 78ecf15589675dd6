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
import java.util.List;
import java.util.Map;
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
 * duplicates, cancel, a tampered object. The worker uses the catalog queue under a consumer group of its own. DJL
 * allows one training per JVM (one gradient collector), so tests with several workers run them as processes
 * ({@link TrainWorkerProcessIT}).
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
        assertThat(org.lorapipeline.core.peft.AdapterConfigJson.read(pulled.resolve("adapter_config.json"))
                .base_model_name_or_path()).as("the model as submitted, not the worker's cache").isEqualTo(baseUri);
        assertThat(pulled.resolve("base_config.json")).hasSameTextualContentAs(fx.model.resolve("config.json"));

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

    @Test
    void aCancelStopsTheRunWithACheckpointAndACancelBeforeTheStartFailsTheRunUntrained() throws Exception {
        TrainingRequested job = fx.job(store, Topics.TRAINING_REQUESTED, TrainFixture.yaml(baseUri, "x", 400, 1000));
        String runId = job.getRunId();
        progressed.awaitKey(runId, WAIT);
        stack.producer().send(Topics.TRAINING_CANCEL_REQUESTED, runId, TrainingCancelRequested.newBuilder()
                .setEventId(stack.uniqueId("evt")).setRunId(runId).setOccurredAt(Instant.now())
                .setRequestedBy("it").setReason("test").build());
        TrainingFailed f = failed.awaitKey(runId, WAIT);
        assertThat(f.getReason()).isEqualTo("cancelled");
        assertThat(f.getAttempt()).isEqualTo(1);
        assertThat(f.getLastCheckpoint()).as("the cancel saved a checkpoint").isNotNull();
        assertThat(ObjectTree.entries(store, f.getLastCheckpoint())).extracting(ObjectTree.Entry::path)
                .contains("adapter_model.safetensors", "optimizer.safetensors");
        assertThat(finished.readToEnd(Duration.ofSeconds(2)).stream().filter(r -> runId.equals(r.key()))).isEmpty();

        // a cancel recorded before any worker took the run
        String early = stack.uniqueId("run");
        stack.producer().send(Topics.TRAINING_CANCEL_REQUESTED, early, TrainingCancelRequested.newBuilder()
                .setEventId(stack.uniqueId("evt")).setRunId(early).setOccurredAt(Instant.now()).build());
        awaitTrue(() -> store.exists(RunKeys.cancelMarker(early)));
        String ds = stack.uniqueId("ds");
        fx.job(store, Topics.TRAINING_REQUESTED, TrainFixture.yaml(baseUri, "x", 8, 4), early, ds, fx.registerText(store, ds));
        TrainingFailed before = failed.awaitKey(early, WAIT);
        assertThat(before.getReason()).isEqualTo("cancelled");
        assertThat(before.getMessage()).contains("before training started");
        assertThat(before.getLastCheckpoint()).isNull();
    }

    @Test
    void aDatasetObjectWhoseBytesNoLongerMatchItsSha256FailsTheRunNamingItAndNothingIsOverwritten() throws Exception {
        String runId = stack.uniqueId("run");
        String ds = stack.uniqueId("ds");
        var manifest = fx.registerText(store, ds);
        String key = "datasets/" + ds + "/files/train.jsonl";
        byte[] tampered = "{\"text\": \"not what was registered\"}\n".getBytes(StandardCharsets.UTF_8);
        stack.s3().putObject(PutObjectArgs.builder().bucket(store.bucket()).object(key)
                .stream(new ByteArrayInputStream(tampered), (long) tampered.length, null).build());
        fx.job(store, Topics.TRAINING_REQUESTED, TrainFixture.yaml(baseUri, "x", 8, 4), runId, ds, manifest);

        TrainingFailed f = failed.awaitKey(runId, WAIT);
        assertThat(f.getReason()).isEqualTo("bad_input");
        assertThat(f.getMessage()).contains("sha256 mismatch").contains(key);
        try (var in = store.open(store.bucket(), key)) {
            assertThat(in.readAllBytes()).as("the object is left as found").isEqualTo(tampered);
        }
        assertThat(store.list(RunKeys.root(runId) + "adapter")).isEmpty();
        assertThat(store.list(RunKeys.checkpoints(runId))).isEmpty();
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within " + WAIT);
            }
            Thread.sleep(100);
        }
    }
}
