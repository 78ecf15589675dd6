package org.lorapipeline.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.lorapipeline.events.CheckpointSaved;
import org.lorapipeline.events.ModelExported;
import org.lorapipeline.events.TrainingFinished;
import org.lorapipeline.events.TrainingProgressed;
import org.lorapipeline.export.ExportService;
import org.lorapipeline.export.ExportSettings;
import org.lorapipeline.infra.DevStack;
import org.lorapipeline.infra.DevStackOptions;
import org.lorapipeline.infra.EmbeddedKafka;
import org.lorapipeline.runtime.Service;
import org.lorapipeline.runtime.ServiceConfigLoader;
import org.lorapipeline.schemas.Topics;
import org.lorapipeline.testkit.EventProbe;
import org.lorapipeline.testkit.EventProducer;

/**
 * The Kafka broker restarts (same data, same port) while a worker trains and export-service waits. "No duplicates
 * visible" is defined for the consumers the pipeline promises it to: a read_committed consumer that drops event ids
 * it has seen. For them the run's {@code training.finished} arrives exactly once, each requested format's
 * {@code model.exported} exactly once, and no checkpoint announcement is lost.
 */
class BrokerRestartIT {
    private static final Duration WAIT = Duration.ofSeconds(180);

    @Test
    void aBrokerRestartMidRunLosesNoEventAndShowsTrainingFinishedOnce() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "broker-restart-it").toAbsolutePath();
        DevStack stack = DevStack.start(DevStackOptions.ephemeral(dir.resolve("stack")));
        EmbeddedKafka restarted = null;
        try (EventProducer producer = EventProducer.create(stack.endpoints())) {
            TrainFixture fx = new TrainFixture(stack.endpoints(), producer, dir);
            var env = fx.env("worker-a");
            env.put("LORA_MAX_ATTEMPTS", "5");
            TrainSettings settings = TrainSettings.fromEnvironment(env).withRoles(false, true);
            String runId;
            ExportSettings exportSettings = ExportSettings.fromEnvironment(env);
            try (Service train = Service.start(ServiceConfigLoader.load("train-restart-it", new String[0], env),
                    s -> TrainService.wire(s, settings));
                 Service export = Service.start(ServiceConfigLoader.load(ExportService.NAME, new String[0], env),
                         s -> ExportService.wire(s, exportSettings));
                 EventProbe<TrainingProgressed> progressed = EventProbe.of(stack.endpoints(), Topics.TRAINING_PROGRESSED)) {
                String base = fx.uploadModel(train.store());
                runId = fx.job(train.store(), Topics.TRAINING_REQUESTED, TrainFixture.yaml(base, "x", 48, 4)).getRunId();
                progressed.awaitKey(runId, WAIT);

                int port = stack.kafka().port();
                stack.kafka().close();
                Thread.sleep(2000);
                restarted = EmbeddedKafka.start(dir.resolve("stack"), port);

                try (EventProbe<TrainingFinished> finished = EventProbe.of(stack.endpoints(), Topics.TRAINING_FINISHED)) {
                    finished.awaitKey(runId, WAIT);
                    Thread.sleep(3000); // a late duplicate would show up now
                    List<ConsumerRecord<String, TrainingFinished>> all = finished.readToEnd(Duration.ofSeconds(5)).stream()
                            .filter(r -> runId.equals(r.key())).toList();
                    Set<String> ids = new HashSet<>();
                    all.forEach(r -> ids.add(r.value().getEventId()));
                    assertThat(ids).as("distinct training.finished ids of %s records", all.size()).hasSize(1);
                }
                try (EventProbe<ModelExported> exported = EventProbe.of(stack.endpoints(), Topics.MODEL_EXPORTED)) {
                    Map<String, Set<String>> idsByFormat = new HashMap<>();
                    long end = System.nanoTime() + WAIT.toNanos();
                    while (idsByFormat.size() < 2 && System.nanoTime() < end) {
                        exported.readToEnd(Duration.ofSeconds(2)).stream().filter(r -> runId.equals(r.key()))
                                .forEach(r -> idsByFormat.computeIfAbsent(r.value().getFormat(), f -> new HashSet<>())
                                        .add(r.value().getEventId()));
                        Thread.sleep(200);
                    }
                    Thread.sleep(3000); // a late duplicate would show up now
                    exported.readToEnd(Duration.ofSeconds(5)).stream().filter(r -> runId.equals(r.key()))
                            .forEach(r -> idsByFormat.computeIfAbsent(r.value().getFormat(), f -> new HashSet<>())
                                    .add(r.value().getEventId()));
                    assertThat(idsByFormat).as("model.exported ids by format").containsOnlyKeys("peft", "gguf");
                    idsByFormat.forEach((format, formatIds) -> assertThat(formatIds).as(format).hasSize(1));
                }
            }
            try (EventProbe<CheckpointSaved> saved = EventProbe.of(stack.endpoints(), Topics.CHECKPOINT_SAVED)) {
                Set<Long> steps = new TreeSet<>();
                saved.readToEnd(Duration.ofSeconds(10)).stream().filter(r -> runId.equals(r.key()))
                        .forEach(r -> steps.add(r.value().getStep()));
                assertThat(steps).containsExactly(4L, 8L, 12L, 16L, 20L, 24L, 28L, 32L, 36L, 40L, 44L, 48L);
            }
        } finally {
            if (restarted != null) {
                restarted.close();
            }
            stack.close();
        }
    }
}
