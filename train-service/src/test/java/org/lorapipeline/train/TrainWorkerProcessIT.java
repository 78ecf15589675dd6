package org.lorapipeline.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lorapipeline.core.config.RunConfig;
import org.lorapipeline.core.run.LoraRun;
import org.lorapipeline.events.CheckpointSaved;
import org.lorapipeline.events.TrainingCancelRequested;
import org.lorapipeline.events.TrainingFailed;
import org.lorapipeline.events.TrainingFinished;
import org.lorapipeline.events.TrainingProgressed;
import org.lorapipeline.events.TrainingRequested;
import org.lorapipeline.events.TrainingStarted;
import org.lorapipeline.runtime.ObjectStore;
import org.lorapipeline.runtime.ObjectTree;
import org.lorapipeline.runtime.ServiceConfigLoader;
import org.lorapipeline.schemas.Topics;
import org.lorapipeline.testkit.EventProbe;
import org.lorapipeline.testkit.RealStack;
import org.lorapipeline.testkit.TestStack;

/**
 * Train workers as separate JVMs ({@link TrainService#main}), killed as an orchestrator or a crash would: SIGKILL
 * mid-run (the next worker resumes from the last uploaded checkpoint and ends with the uninterrupted run's adapter)
 * and SIGTERM (the worker checkpoints, releases the job uncommitted, the next one resumes); two workers sharing
 * four queued runs. Own stack, so the worker groups see only this class's jobs.
 */
@RealStack(isolated = true)
class TrainWorkerProcessIT {
    private static final Duration WAIT = Duration.ofSeconds(180);

    private final TestStack stack;
    private final List<Process> processes = new ArrayList<>();
    private TrainFixture fx;
    private ObjectStore store;
    private String baseUri;
    private String serviceName;

    TrainWorkerProcessIT(TestStack stack) {
        this.stack = stack;
    }

    @BeforeEach
    void setUp() throws Exception {
        fx = new TrainFixture(stack, Files.createTempDirectory(Path.of("target"), "train-proc-it"));
        store = ObjectStore.connect(ServiceConfigLoader.load("train-proc-it", new String[0], fx.env("setup")));
        baseUri = fx.uploadModel(store);
        serviceName = stack.uniqueId("train-proc").toLowerCase();
    }

    @AfterEach
    void cleanUp() {
        processes.forEach(Process::destroyForcibly);
        store.close();
    }

    private Process launch(String workerId) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx768m", "-cp", System.getProperty("java.class.path"),
                TrainService.class.getName());
        Map<String, String> env = fx.env(workerId);
        env.put("LORA_SERVICE_NAME", serviceName);
        env.put("LORA_TRAIN_ROLES", "worker");
        // a member that dies is noticed after 6 s (the broker's minimum) instead of 45 s
        env.put("LORA_KAFKA_PROP_SESSION_TIMEOUT_MS", "6000");
        pb.environment().putAll(env);
        Path log = Path.of("target", "it-processes", serviceName + "-" + workerId + ".log");
        Files.createDirectories(log.getParent());
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    @Test
    void aWorkerKilledMidRunIsReplacedByOneThatResumesFromTheCheckpointAndEndsWithTheSameAdapter() throws Exception {
        String yaml = TrainFixture.yaml(baseUri, "x", 48, 4);
        try (EventProbe<CheckpointSaved> saved = stack.probe(Topics.CHECKPOINT_SAVED);
             EventProbe<TrainingStarted> started = stack.probe(Topics.TRAINING_STARTED);
             EventProbe<TrainingFinished> finished = stack.probe(Topics.TRAINING_FINISHED)) {
            Process a = launch("worker-a");
            TrainingRequested job = fx.job(store, Topics.TRAINING_REQUESTED, yaml);
            String runId = job.getRunId();
            CheckpointSaved first = saved.awaitKey(runId, WAIT);
            a.destroyForcibly(); // SIGKILL: no hook, no commit, no final event
            assertThat(a.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(finished.readToEnd(Duration.ofSeconds(1)).stream().filter(r -> runId.equals(r.key())))
                    .as("killed before the end of the run").isEmpty();
            long killedAfter = first.getStep();

            long killedAt = System.nanoTime();
            launch("worker-b");
            TrainingFinished done = finished.awaitKey(runId, WAIT);
            double recovery = (System.nanoTime() - killedAt) / 1e9;
            List<TrainingStarted> starts = started.awaitCount(s -> s.getRunId().equals(runId), 2, WAIT);
            TrainingStarted resumed = starts.get(1);
            assertThat(resumed.getWorkerId()).isEqualTo("worker-b");
            assertThat(resumed.getAttempt()).isEqualTo(2);
            assertThat(resumed.getResumedFromStep()).isGreaterThanOrEqualTo(killedAfter).isPositive();
            assertThat(done.getAttempt()).isEqualTo(2);
            assertThat(done.getSteps()).isEqualTo(48L);
            System.out.printf("recovery: killed after step %d, resumed from %d, finished %.1f s after the kill%n",
                    killedAfter, resumed.getResumedFromStep(), recovery);

            Path pulled = ObjectTree.download(store, done.getAdapter(), fx.dir.resolve("pulled"));
            Path local = fx.dir.resolve("uninterrupted");
            Files.createDirectories(local);
            LoraRun.run(RunConfig.parse(TrainFixture.yaml(fx.model.toString(), fx.textFile.toString(), 48, 4), "local.yaml"),
                    local, null, null);
            assertThat(TrainFixture.maxDifference(pulled.resolve("adapter_model.safetensors"),
                    local.resolve("output/it/adapter_model.safetensors"))).isLessThanOrEqualTo(1e-5);
        }
    }

    @Test
    void sigtermCheckpointsAndReleasesTheJobForTheNextWorker() throws Exception {
        String yaml = TrainFixture.yaml(baseUri, "x", 2000, 1000);
        try (EventProbe<CheckpointSaved> saved = stack.probe(Topics.CHECKPOINT_SAVED);
             EventProbe<TrainingProgressed> progressed = stack.probe(Topics.TRAINING_PROGRESSED);
             EventProbe<TrainingStarted> started = stack.probe(Topics.TRAINING_STARTED);
             EventProbe<TrainingFailed> failed = stack.probe(Topics.TRAINING_FAILED)) {
            Process a = launch("worker-a");
            String runId = fx.job(store, Topics.TRAINING_REQUESTED, yaml).getRunId();
            progressed.awaitKey(runId, WAIT);
            a.destroy(); // SIGTERM
            assertThat(a.waitFor(60, TimeUnit.SECONDS)).as("drains and exits").isTrue();
            CheckpointSaved drained = saved.awaitKey(runId, WAIT);
            assertThat(drained.getStep()).as("a checkpoint of the step it stopped at").isLessThan(1000);
            assertThat(failed.readToEnd(Duration.ofSeconds(1)).stream().filter(r -> runId.equals(r.key())))
                    .as("a drain is not a failure").isEmpty();

            launch("worker-b");
            TrainingStarted resumed = started.awaitCount(s -> s.getRunId().equals(runId), 2, WAIT).get(1);
            assertThat(resumed.getWorkerId()).isEqualTo("worker-b");
            assertThat(resumed.getResumedFromStep()).isEqualTo(drained.getStep());
            // end the long run: a cancel from another process reaches the worker that now holds it
            stack.producer().send(Topics.TRAINING_CANCEL_REQUESTED, runId, TrainingCancelRequested.newBuilder()
                    .setEventId(stack.uniqueId("evt")).setRunId(runId).setOccurredAt(Instant.now()).build());
            TrainingFailed cancelled = failed.awaitKey(runId, WAIT);
            assertThat(cancelled.getReason()).isEqualTo("cancelled");
            assertThat(cancelled.getAttempt()).isEqualTo(2);
        }
    }

    @Test
    void twoWorkerProcessesShareFourQueuedRunsAndAllFinish() throws Exception {
        launch("worker-a");
        launch("worker-b");
        Map<String, Set<Integer>> owned = awaitTwoMembers();
        List<String> runs = new ArrayList<>();
        for (Set<Integer> partitions : owned.values()) {
            runs.addAll(runIdsOn(partitions, 2)); // two runs on each worker's partitions, so both must work
        }
        try (EventProbe<TrainingStarted> started = stack.probe(Topics.TRAINING_STARTED);
             EventProbe<TrainingFinished> finished = stack.probe(Topics.TRAINING_FINISHED)) {
            for (String runId : runs) {
                String ds = stack.uniqueId("ds");
                fx.job(store, Topics.TRAINING_REQUESTED, TrainFixture.yaml(baseUri, "x", 8, 4), runId, ds, fx.registerText(store, ds));
            }
            Set<String> workers = new HashSet<>();
            for (String runId : runs) {
                assertThat(finished.awaitKey(runId, WAIT).getSteps()).isEqualTo(8L);
                workers.add(started.awaitKey(runId, WAIT).getWorkerId());
            }
            assertThat(workers).containsExactlyInAnyOrder("worker-a", "worker-b");
        }
    }

    /** The jobs-topic partitions of each of the two group members, once both hold some. */
    private Map<String, Set<Integer>> awaitTwoMembers() throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            org.apache.kafka.clients.admin.ConsumerGroupDescription group;
            try {
                group = stack.admin().describeConsumerGroups(List.of(serviceName)).all().get(10, TimeUnit.SECONDS).get(serviceName);
            } catch (java.util.concurrent.ExecutionException e) { // the group does not exist until a worker joins
                Thread.sleep(500);
                continue;
            }
            Map<String, Set<Integer>> owned = new HashMap<>();
            for (MemberDescription m : group.members()) {
                Set<Integer> ps = m.assignment().topicPartitions().stream()
                        .filter(tp -> tp.topic().equals(Topics.TRAINING_REQUESTED.name()))
                        .map(TopicPartition::partition).collect(Collectors.toSet());
                if (!ps.isEmpty()) {
                    owned.put(m.consumerId(), ps);
                }
            }
            if (owned.size() == 2 && owned.values().stream().mapToInt(Set::size).sum() == Topics.TRAINING_REQUESTED.partitions()) {
                return owned;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("two workers did not share the jobs topic within " + WAIT);
    }

    private List<String> runIdsOn(Set<Integer> partitions, int count) {
        List<String> out = new ArrayList<>();
        while (out.size() < count) {
            String id = stack.uniqueId("run");
            // the default partitioner's choice for a keyed record
            int p = Utils.toPositive(Utils.murmur2(id.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    % Topics.TRAINING_REQUESTED.partitions();
            if (partitions.contains(p)) {
                out.add(id);
            }
        }
        return out;
    }
}
