package org.lorapipeline.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lorapipeline.events.DatasetKind;
import org.lorapipeline.events.DatasetRegistered;
import org.lorapipeline.events.DatasetRejected;
import org.lorapipeline.events.ModelExported;
import org.lorapipeline.events.ObjectRef;
import org.lorapipeline.events.Problem;
import org.lorapipeline.events.Severity;
import org.lorapipeline.events.TrainingFinished;
import org.lorapipeline.events.TrainingProgressed;
import org.lorapipeline.schemas.TopicSpec;
import org.lorapipeline.schemas.Topics;

class RunStatusTopologyTest {
    private TopologyTestDriver driver;
    private KeyValueStore<String, RunStatus> store;

    @BeforeEach
    void start() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "status-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        driver = new TopologyTestDriver(RunStatusTopology.build(), p);
        store = driver.getKeyValueStore(RunStatusTopology.STORE);
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private <V extends SpecificRecordBase> void send(TopicSpec<V> topic, String runId, V event) {
        driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer())
                .pipeInput(runId, event);
    }

    private static ObjectRef ref(String key) {
        return ObjectRef.newBuilder().setBucket("lora").setKey(key).setSha256("0".repeat(64)).setSizeBytes(1).build();
    }

    private static TrainingProgressed progress(String run, int attempt, long step, double loss, long t) {
        return TrainingProgressed.newBuilder().setEventId("p" + attempt + "-" + step).setRunId(run)
                .setOccurredAt(Instant.ofEpochMilli(t)).setWorkerId("w1").setAttempt(attempt).setStep(step)
                .setTotalSteps(100).setEpoch(1).setLoss(loss).setLearningRate(1e-4).setItPerSec(2.0).setEtaSeconds(10.0).build();
    }

    @Test
    void foldsARunFromRegistrationToExport() {
        send(Topics.DATASET_REGISTERED, "run-a", DatasetRegistered.newBuilder().setEventId("e1").setRunId("run-a")
                .setDatasetId("ds-a").setOccurredAt(Instant.ofEpochMilli(1000)).setDatasetKind(DatasetKind.TEXT)
                .setLayout("text_jsonl").setManifest(ref("datasets/ds-a/manifest.json")).setConfig(ref("c"))
                .setItemCount(20).build());
        send(Topics.TRAINING_PROGRESSED, "run-a", progress("run-a", 1, 40, 0.5, 2000));
        send(Topics.TRAINING_FINISHED, "run-a", TrainingFinished.newBuilder().setEventId("f").setRunId("run-a")
                .setOccurredAt(Instant.ofEpochMilli(3000)).setWorkerId("w1").setAttempt(1).setSteps(100).setFinalLoss(0.1)
                .setModelType("llama").setAdapter(ref("runs/run-a/adapter")).setConfig(ref("c")).build());
        send(Topics.MODEL_EXPORTED, "run-a", ModelExported.newBuilder().setEventId("x").setRunId("run-a")
                .setOccurredAt(Instant.ofEpochMilli(4000)).setFormat("peft").setModelType("llama")
                .setArtifact(ref("runs/run-a/exports/peft/adapter_model.safetensors")).setUsageHint("PeftModel").build());

        RunStatus s = store.get("run-a");
        assertThat(s.phase).isEqualTo(RunPhase.EXPORTED);
        assertThat(s.datasetId).isEqualTo("ds-a");
        assertThat(s.itemCount).isEqualTo(20);
        assertThat(s.step).isEqualTo(100);
        assertThat(s.loss).isEqualTo(0.1);
        assertThat(s.exports).containsEntry("peft", "runs/run-a/exports/peft/adapter_model.safetensors");
        assertThat(s.eventCount).isEqualTo(4);
        assertThat(s.createdAtMillis).isEqualTo(1000);
        assertThat(s.registeredAtMillis).isEqualTo(1000);
        assertThat(s.updatedAtMillis).isEqualTo(4000);
    }

    @Test
    void lateProgressNeverMovesAFinishedRunBackOrRewindsTheStep() {
        send(Topics.TRAINING_PROGRESSED, "run-b", progress("run-b", 1, 60, 0.3, 2000));
        send(Topics.TRAINING_FINISHED, "run-b", TrainingFinished.newBuilder().setEventId("f").setRunId("run-b")
                .setOccurredAt(Instant.ofEpochMilli(3000)).setWorkerId("w1").setAttempt(1).setSteps(100).setFinalLoss(0.1)
                .setModelType("llama").setAdapter(ref("a")).setConfig(ref("c")).build());
        send(Topics.TRAINING_PROGRESSED, "run-b", progress("run-b", 1, 50, 0.9, 1500));

        RunStatus s = store.get("run-b");
        assertThat(s.phase).isEqualTo(RunPhase.FINISHED);
        assertThat(s.step).isEqualTo(100);
        assertThat(s.loss).isEqualTo(0.1);
    }

    @Test
    void aResumedAttemptRestartsTheProgressCount() {
        send(Topics.TRAINING_PROGRESSED, "run-c", progress("run-c", 1, 60, 0.3, 2000));
        send(Topics.TRAINING_PROGRESSED, "run-c", progress("run-c", 2, 50, 0.35, 5000));
        assertThat(store.get("run-c").step).isEqualTo(50);
        assertThat(store.get("run-c").attempt).isEqualTo(2);
    }

    @Test
    void rejectionKeepsEveryReasonWithFileAndLine() {
        send(Topics.DATASET_REJECTED, "run-d", DatasetRejected.newBuilder().setEventId("r").setRunId("run-d")
                .setDatasetId("ds-d").setOccurredAt(Instant.ofEpochMilli(1)).setReasons(List.of(
                        Problem.newBuilder().setSeverity(Severity.ERROR).setCode("csv.header").setFile("metadata.csv")
                                .setLine(1).setMessage("expected header filename,prompt").build())).build());
        RunStatus s = store.get("run-d");
        assertThat(s.phase).isEqualTo(RunPhase.REJECTED);
        assertThat(s.problems).containsExactly("ERROR metadata.csv:1: expected header filename,prompt [csv.header]");
        assertThat(s.summaryLine()).contains("run-d").contains("REJECTED");
    }

    @Test
    void statusSurvivesTheStoreSerdeRoundTrip() {
        RunStatus s = new RunStatus();
        s.runId = "x";
        s.phase = RunPhase.TRAINING;
        s.exports.put("gguf", "k");
        RunStatus back = RunStatusSerde.fromJson(RunStatusSerde.toJson(s));
        assertThat(back.phase).isEqualTo(RunPhase.TRAINING);
        assertThat(back.exports).containsEntry("gguf", "k");
    }
}
