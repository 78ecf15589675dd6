package org.lorapipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lorapipeline.events.TrainingCancelRequested;
import org.lorapipeline.schemas.TopicSpec;
import org.lorapipeline.testkit.RealStack;
import org.lorapipeline.testkit.TestStack;

/**
 * Service processes as an orchestrator runs them: a separate JVM started through {@link ServiceMain}, killed with
 * SIGKILL (a crash) or stopped with SIGTERM (a rollout) while it is in the middle of an event.
 */
@RealStack
class ServiceProcessIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    private final TestStack stack;
    private final List<Process> processes = new ArrayList<>();
    private final List<Service> services = new ArrayList<>();

    ServiceProcessIT(TestStack stack) {
        this.stack = stack;
    }

    @AfterEach
    void cleanUp() {
        processes.forEach(Process::destroyForcibly);
        services.forEach(Service::close);
    }

    private Process launch(String service, String workerId, TopicSpec<?> topic, long handlerMillis, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), SlowServiceMain.class.getName());
        pb.environment().putAll(ItSupport.serviceEnv(stack, service, workerId));
        pb.environment().put("IT_TOPIC", topic.name());
        pb.environment().put("IT_HANDLER_MILLIS", Long.toString(handlerMillis));
        Files.createDirectories(log.getParent());
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private boolean exists(String key) {
        try (ObjectStore store = ObjectStore.connect(ItSupport.config(stack, "probe"))) {
            return store.exists(key);
        }
    }

    @Test
    void aCrashMidEventRedeliversTheEventToTheNextInstance() throws Exception {
        var topic = ItSupport.privateTopic(stack, 1);
        String service = stack.uniqueId("crash");
        Path log = Path.of("target", "it-processes", service + "-a.log");
        Process first = launch(service, "a", topic, 120_000, log);
        TrainingCancelRequested event = TestEvents.cancel(Events.newEventId(), stack.uniqueId("run"));
        stack.producer().send(topic, event.getRunId(), event);

        String prefix = "it/" + event.getRunId() + "/";
        ItSupport.await("the first instance to start the event (log: " + log + ")", WAIT, () -> exists(prefix + "started-a"));
        first.destroyForcibly(); // SIGKILL: no hook, no commit
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        TopicPartition tp = new TopicPartition(topic.name(), 0);
        assertThat(ItSupport.committed(stack, service, tp)).as("nothing committed by the crashed instance").isEqualTo(-1);

        List<String> redelivered = Collections.synchronizedList(new ArrayList<>());
        ServiceConfig config = ServiceConfigLoader.load(service, new String[0], ItSupport.serviceEnv(stack, service, "b"));
        services.add(Service.start(config, s -> s.consume(topic, (e, ctx) -> redelivered.add(e.getEventId()))));
        ItSupport.awaitChecked("the second instance to handle and commit the event", WAIT,
                () -> ItSupport.committed(stack, service, tp) == 1);
        assertThat(redelivered).containsExactly(event.getEventId());
        assertThat(exists(prefix + "done-a")).isFalse();
        assertThat(exists("processed/" + service + "/" + event.getEventId())).isTrue();
    }

    @Test
    void sigtermDrainsTheInFlightEventCommitsAndExits() throws Exception {
        var topic = ItSupport.privateTopic(stack, 1);
        String service = stack.uniqueId("drain");
        Path log = Path.of("target", "it-processes", service + "-a.log");
        Process p = launch(service, "a", topic, 3_000, log);
        TrainingCancelRequested event = TestEvents.cancel(Events.newEventId(), stack.uniqueId("run"));
        stack.producer().send(topic, event.getRunId(), event);

        String prefix = "it/" + event.getRunId() + "/";
        ItSupport.await("the instance to start the event (log: " + log + ")", WAIT, () -> exists(prefix + "started-a"));
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("process exits after draining").isTrue();
        assertThat(p.exitValue()).as("128 + SIGTERM after the hook finished").isEqualTo(143);
        assertThat(exists(prefix + "done-a")).as("the in-flight handler finished").isTrue();
        assertThat(ItSupport.committed(stack, service, new TopicPartition(topic.name(), 0))).isEqualTo(1);
        String output = Files.readString(log);
        assertThat(output).contains("termination requested, draining in-flight events").contains("stopped");
        assertThat(output).doesNotContain(stack.endpoints().secretKey());
    }
}
