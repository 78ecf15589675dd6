package org.lorapipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lorapipeline.events.TrainingCancelRequested;
import org.lorapipeline.events.TrainingFailed;
import org.lorapipeline.schemas.TopicSpec;
import org.lorapipeline.schemas.Topics;
import org.lorapipeline.testkit.EventProbe;
import org.lorapipeline.testkit.RealStack;
import org.lorapipeline.testkit.TestStack;

/** The consumer loop on a real broker and real S3, started the way a service starts it ({@link Service#start}). */
@RealStack
class EventLoopIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final TestStack stack;
    private final List<Service> services = new ArrayList<>();

    EventLoopIT(TestStack stack) {
        this.stack = stack;
    }

    @AfterEach
    void stop() {
        services.forEach(Service::close);
    }

    private Service start(String name, TopicSpec<TrainingCancelRequested> topic, EventHandler<TrainingCancelRequested> handler)
            throws Exception {
        Service s = Service.start(ItSupport.config(stack, name), svc -> svc.consume(topic, handler));
        services.add(s);
        return s;
    }

    private RecordMetadata send(TopicSpec<TrainingCancelRequested> topic, TrainingCancelRequested event) {
        return stack.producer().send(topic, event.getRunId(), event);
    }

    private static TrainingCancelRequested cancel(String runId) {
        return TestEvents.cancel(Events.newEventId(), runId);
    }

    @Test
    void happyPathHandlesPublishesTheFollowUpAndCommits() throws Exception {
        var topic = ItSupport.privateTopic(stack, 2);
        String service = stack.uniqueId("happy");
        String runId = stack.uniqueId("run");
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        try (EventProbe<TrainingFailed> followUps = stack.probe(Topics.TRAINING_FAILED)) {
            Service s = start(service, topic, (event, ctx) -> {
                seen.add(event.getEventId());
                ctx.publish(Topics.TRAINING_FAILED, TestEvents.failed(ctx.newEventId(), event.getRunId()));
            });
            TrainingCancelRequested in = cancel(runId);
            RecordMetadata sent = send(topic, in);

            ConsumerRecord<String, TrainingFailed> out = followUps.awaitRecord(r -> runId.equals(r.key()), WAIT);
            assertThat(out.value().getEventId()).isEqualTo(Events.derivedEventId(in.getEventId(), service + "#0"));
            assertThat(DeadLetters.header(out.headers(), EventPublisher.HEADER_CAUSED_BY)).isEqualTo(in.getEventId());
            TopicPartition tp = new TopicPartition(topic.name(), sent.partition());
            ItSupport.awaitChecked("the input's offset to be committed", WAIT,
                    () -> ItSupport.committed(stack, service, tp) == sent.offset() + 1);
            assertThat(seen).containsExactly(in.getEventId());
            assertThat(s.store().exists("processed/" + service + "/" + in.getEventId())).isTrue();
        }
    }

    @Test
    void theSameEventTwiceIsHandledOnceEvenAfterARestartWithOffsetsRewound() throws Exception {
        var topic = ItSupport.privateTopic(stack, 1);
        String service = stack.uniqueId("dedup");
        AtomicInteger handled = new AtomicInteger();
        TopicPartition tp = new TopicPartition(topic.name(), 0);
        TrainingCancelRequested event = cancel(stack.uniqueId("run"));

        Service first = start(service, topic, (e, ctx) -> handled.incrementAndGet());
        send(topic, event);
        send(topic, event); // an upstream producer retried: same event id, new offset
        ItSupport.awaitChecked("both records committed", WAIT, () -> ItSupport.committed(stack, service, tp) == 2);
        assertThat(handled.get()).isEqualTo(1);
        assertThat(first.registry().find("lora.events.duplicates.skipped").counter().count()).isEqualTo(1);
        first.close();

        // A crash before the commit looks like this to the next instance: the offsets point back at the event.
        stack.admin().alterConsumerGroupOffsets(service, Map.of(tp, new OffsetAndMetadata(0))).all().get(30, TimeUnit.SECONDS);
        Service second = start(service, topic, (e, ctx) -> handled.incrementAndGet());
        ItSupport.awaitChecked("the rewound records committed again", WAIT, () -> ItSupport.committed(stack, service, tp) == 2);
        assertThat(handled.get()).as("the S3 marker survived the restart").isEqualTo(1);
        assertThat(second.registry().find("lora.events.duplicates.skipped").counter().count()).isEqualTo(2);
    }

    @Test
    void poisonEventsLandInTheDlqWithHeadersAndTheLoopGoesOn() throws Exception {
        var topic = ItSupport.privateTopic(stack, 1);
        String service = stack.uniqueId("poison");
        String runId = stack.uniqueId("run");
        List<String> handled = Collections.synchronizedList(new ArrayList<>());
        start(service, topic, (e, ctx) -> {
            if ("poison".equals(e.getReason())) {
                throw new PoisonEventException("run " + e.getRunId() + " is unknown");
            }
            handled.add(e.getEventId());
        });
        byte[] garbage = "definitely not avro".getBytes(StandardCharsets.UTF_8);
        stack.producer().sendRaw(topic.name(), runId, garbage, Map.of("traceparent", "00-abc".getBytes(StandardCharsets.UTF_8)));
        TrainingCancelRequested poison = TrainingCancelRequested.newBuilder(cancel(runId)).setReason("poison").build();
        send(topic, poison);
        TrainingCancelRequested good = cancel(runId);
        send(topic, good);

        try (EventProbe<byte[]> dlq = EventProbe.raw(stack.endpoints(), topic.dlq())) {
            List<ConsumerRecord<String, byte[]>> dead = dlq.awaitRecords(r -> r.size() >= 2, WAIT);
            assertThat(dead).hasSize(2);
            ConsumerRecord<String, byte[]> unreadable = dead.get(0);
            assertThat(unreadable.key()).isEqualTo(runId);
            assertThat(unreadable.value()).isEqualTo(garbage);
            assertThat(DeadLetters.header(unreadable.headers(), "traceparent")).isEqualTo("00-abc");
            assertThat(DeadLetters.header(unreadable.headers(), DeadLetters.ERROR_CLASS))
                    .isEqualTo("org.apache.kafka.common.errors.SerializationException");
            assertThat(DeadLetters.header(unreadable.headers(), DeadLetters.ORIGINAL_TOPIC)).isEqualTo(topic.name());
            assertThat(DeadLetters.header(unreadable.headers(), DeadLetters.ORIGINAL_PARTITION)).isEqualTo("0");
            assertThat(DeadLetters.header(unreadable.headers(), DeadLetters.ORIGINAL_OFFSET)).isEqualTo("0");
            assertThat(DeadLetters.header(unreadable.headers(), DeadLetters.SERVICE)).isEqualTo(service);
            assertThat(DeadLetters.header(unreadable.headers(), DeadLetters.FAILED_AT)).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

            ConsumerRecord<String, byte[]> rejected = dead.get(1);
            assertThat(topic.valueSerde().decode(rejected.value())).isEqualTo(poison);
            assertThat(DeadLetters.header(rejected.headers(), DeadLetters.ERROR_CLASS)).isEqualTo(PoisonEventException.class.getName());
            assertThat(DeadLetters.header(rejected.headers(), DeadLetters.ERROR_MESSAGE)).isEqualTo("run " + runId + " is unknown");
            assertThat(DeadLetters.header(rejected.headers(), DeadLetters.ERROR_STACKTRACE)).contains("EventLoopIT");
            assertThat(DeadLetters.header(rejected.headers(), DeadLetters.ORIGINAL_OFFSET)).isEqualTo("1");
            assertThat(DeadLetters.header(rejected.headers(), DeadLetters.ATTEMPTS)).isEqualTo("1");
        }
        ItSupport.await("the good event after the poison ones", WAIT, () -> handled.contains(good.getEventId()));
        ItSupport.awaitChecked("all three committed", WAIT,
                () -> ItSupport.committed(stack, service, new TopicPartition(topic.name(), 0)) == 3);
        assertThat(handled).containsExactly(good.getEventId());
    }

    @Test
    void aTransientFailureIsRetriedAndTheEventHandledOnce() throws Exception {
        var topic = ItSupport.privateTopic(stack, 1);
        String service = stack.uniqueId("retry");
        List<Integer> attempts = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger successes = new AtomicInteger();
        Service s = start(service, topic, (e, ctx) -> {
            attempts.add(ctx.attempt());
            if (ctx.attempt() < 3) {
                // the real thing: S3 refusing connections
                ctx.publish(Topics.TRAINING_FAILED, TestEvents.failed(ctx.newEventId(), e.getRunId()));
                throw new ObjectStoreException("cannot upload: java.net.ConnectException: Connection refused", true, null);
            }
            successes.incrementAndGet();
        });
        send(topic, cancel(stack.uniqueId("run")));
        ItSupport.awaitChecked("the event committed", WAIT,
                () -> ItSupport.committed(stack, service, new TopicPartition(topic.name(), 0)) == 1);
        assertThat(attempts).containsExactly(1, 2, 3);
        assertThat(successes.get()).isEqualTo(1);
        assertThat(s.registry().find("lora.events.failed").counter().count()).isEqualTo(2);
        assertThat(s.registry().find("lora.events.handled").counter().count()).isEqualTo(1);
        try (EventProbe<byte[]> dlq = EventProbe.raw(stack.endpoints(), topic.dlq())) {
            assertThat(dlq.readToEnd(WAIT)).isEmpty();
        }
    }

    @Test
    void healthEndpointsAnswerAndMetricsCarryTheCounters() throws Exception {
        var topic = ItSupport.privateTopic(stack, 1);
        String service = stack.uniqueId("health");
        Service s = start(service, topic, (e, ctx) -> { });
        send(topic, cancel(stack.uniqueId("run")));
        ItSupport.awaitChecked("the event committed", WAIT,
                () -> ItSupport.committed(stack, service, new TopicPartition(topic.name(), 0)) == 1);

        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + s.health().port();
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(ready.body()).contains("\"s3\":{\"ok\":true}").contains("\"kafka:" + topic.name() + "\":{\"ok\":true}");
        HttpResponse<String> live = http.send(HttpRequest.newBuilder(URI.create(base + "/health/live")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(live.statusCode()).isEqualTo(200);
        String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics)
                .containsPattern("lora_events_handled_total\\{[^}]*topic=\"" + topic.name().replace(".", "\\.") + "\"[^}]*} 1\\.0")
                .contains("lora_events_failed_total{").contains("lora_events_duplicates_skipped_total{")
                .contains("lora_handler_duration_seconds_count{").contains("lora_consumer_lag{")
                .contains("jvm_memory_used_bytes");

        s.close();
        assertThat(s.loops().get(0).isAlive()).isFalse();
    }
}
