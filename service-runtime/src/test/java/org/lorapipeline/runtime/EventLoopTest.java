package org.lorapipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lorapipeline.events.TrainingCancelRequested;
import org.lorapipeline.schemas.Topics;

/**
 * The loop's decisions (commit, retry, dead-letter, skip) against Kafka's own MockConsumer/MockProducer, fast and
 * deterministic. The ITs repeat the important paths on a real broker and real S3.
 */
class EventLoopTest {
    static final TopicPartition TP = new TopicPartition(Topics.TRAINING_CANCEL_REQUESTED.name(), 0);

    /** Records commits (the real consumer's committed() is unusable after close) and does not spin on empty polls. */
    static final class RecordingConsumer extends MockConsumer<byte[], byte[]> {
        final List<Long> commits = Collections.synchronizedList(new ArrayList<>());

        RecordingConsumer() {
            super("earliest");
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            offsets.values().forEach(o -> commits.add(o.offset()));
            super.commitSync(offsets);
        }

        @Override
        public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            ConsumerRecords<byte[], byte[]> r = super.poll(timeout);
            if (r.isEmpty()) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return r;
        }

        long lastCommit() {
            synchronized (commits) {
                return commits.isEmpty() ? -1 : commits.get(commits.size() - 1);
            }
        }
    }

    static final class MemoryProcessed implements ProcessedEvents {
        final Set<String> ids = Collections.synchronizedSet(new HashSet<>());

        @Override
        public boolean isProcessed(String eventId) {
            return ids.contains(eventId);
        }

        @Override
        public void markProcessed(String eventId, String description) {
            ids.add(eventId);
        }
    }

    final RecordingConsumer consumer = new RecordingConsumer();
    final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    final MemoryProcessed processed = new MemoryProcessed();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    EventLoop<TrainingCancelRequested> loop;

    @AfterEach
    void stop() {
        if (loop != null) {
            loop.close(Duration.ofSeconds(10));
        }
    }

    private void start(EventHandler<TrainingCancelRequested> handler, byte[]... values) {
        var settings = new EventLoop.Settings("test-service", "w-1", "test-group", 3,
                new BackoffPolicy(Duration.ofMillis(10), Duration.ofMillis(40), 2.0, 0.0),
                Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofSeconds(30));
        loop = new EventLoop<>(Topics.TRAINING_CANCEL_REQUESTED, handler, settings, consumer,
                new EventPublisher(producer, "test-service", Duration.ofSeconds(5)), processed, registry, () -> 0.0, Clock.systemUTC());
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(TP));
            consumer.updateBeginningOffsets(Map.of(TP, 0L));
            for (int i = 0; i < values.length; i++) {
                consumer.addRecord(new ConsumerRecord<>(TP.topic(), 0, i, "run-1".getBytes(StandardCharsets.UTF_8), values[i]));
            }
        });
        loop.start();
    }

    static byte[] encode(TrainingCancelRequested e) {
        return Topics.TRAINING_CANCEL_REQUESTED.valueSerde().encode(e);
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10s");
            }
            Thread.sleep(10);
        }
    }

    private List<ProducerRecord<byte[], byte[]>> sentTo(String topic) {
        return producer.history().stream().filter(r -> r.topic().equals(topic)).toList();
    }

    private double count(String meter) {
        var c = registry.find(meter).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void handlesPublishesFollowUpThenCommits() throws Exception {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        start((event, ctx) -> {
            seen.add(event.getEventId());
            ctx.publish(Topics.TRAINING_FAILED, TestEvents.failed(ctx.newEventId(), event.getRunId()));
        }, encode(TestEvents.cancel("e-1", "run-1")));

        await(() -> consumer.lastCommit() == 1);
        assertThat(seen).containsExactly("e-1");
        var followUps = sentTo(Topics.TRAINING_FAILED.name());
        assertThat(followUps).hasSize(1);
        assertThat(new String(followUps.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("run-1");
        assertThat(DeadLetters.header(followUps.get(0).headers(), EventPublisher.HEADER_CAUSED_BY)).isEqualTo("e-1");
        assertThat(Topics.TRAINING_FAILED.valueSerde().decode(followUps.get(0).value()).getEventId())
                .isEqualTo(Events.derivedEventId("e-1", "test-service#0"));
        assertThat(processed.ids).containsExactly("e-1");
        assertThat(count("lora.events.handled")).isEqualTo(1);
    }

    @Test
    void garbageGoesToTheDlqAndTheNextEventIsHandled() throws Exception {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        start((event, ctx) -> seen.add(event.getEventId()),
                "not avro at all".getBytes(StandardCharsets.UTF_8), encode(TestEvents.cancel("e-2", "run-1")));

        await(() -> consumer.lastCommit() == 2);
        assertThat(seen).containsExactly("e-2");
        var dead = sentTo(Topics.TRAINING_CANCEL_REQUESTED.dlq());
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).value()).isEqualTo("not avro at all".getBytes(StandardCharsets.UTF_8));
        assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.ERROR_CLASS)).isEqualTo("org.apache.kafka.common.errors.SerializationException");
        assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.ORIGINAL_OFFSET)).isEqualTo("0");
        assertThat(consumer.commits).containsExactly(1L, 2L);
    }

    @Test
    void transientFailuresAreRetriedThenHandledOnce() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<Integer> attempts = Collections.synchronizedList(new ArrayList<>());
        start((event, ctx) -> {
            attempts.add(ctx.attempt());
            if (calls.incrementAndGet() < 3) {
                throw new ObjectStoreException("connection reset", true, null);
            }
        }, encode(TestEvents.cancel("e-3", "run-1")));

        await(() -> consumer.lastCommit() == 1);
        assertThat(attempts).containsExactly(1, 2, 3);
        assertThat(sentTo(Topics.TRAINING_CANCEL_REQUESTED.dlq())).isEmpty();
        assertThat(count("lora.events.failed")).isEqualTo(2);
        assertThat(count("lora.events.handled")).isEqualTo(1);
    }

    @Test
    void exhaustedRetriesAndPoisonEventsAreDeadLettered() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        start((event, ctx) -> {
            calls.incrementAndGet();
            if (event.getEventId().equals("always-fails")) {
                throw new IllegalStateException("still broken");
            }
            throw new PoisonEventException("run " + event.getRunId() + " does not exist");
        }, encode(TestEvents.cancel("always-fails", "run-1")), encode(TestEvents.cancel("poison", "run-1")));

        await(() -> consumer.lastCommit() == 2);
        assertThat(calls.get()).as("3 attempts, then 1 for the poison event").isEqualTo(4);
        var dead = sentTo(Topics.TRAINING_CANCEL_REQUESTED.dlq());
        assertThat(dead).hasSize(2);
        assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.ATTEMPTS)).isEqualTo("3");
        assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.ERROR_MESSAGE)).isEqualTo("still broken");
        assertThat(DeadLetters.header(dead.get(1).headers(), DeadLetters.ATTEMPTS)).isEqualTo("1");
        assertThat(DeadLetters.header(dead.get(1).headers(), DeadLetters.ERROR_CLASS)).isEqualTo(PoisonEventException.class.getName());
        assertThat(processed.ids).isEmpty();
    }

    @Test
    void theSameEventTwiceIsHandledOnce() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        byte[] same = encode(TestEvents.cancel("e-dup", "run-1"));
        start((event, ctx) -> calls.incrementAndGet(), same, same);

        await(() -> consumer.lastCommit() == 2);
        assertThat(calls.get()).isEqualTo(1);
        assertThat(registry.find("lora.events.duplicates.skipped").counter().count()).isEqualTo(1);
    }

    @Test
    void partitionsArePausedWhileASlowHandlerRunsAndTheLoopKeepsPolling() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        start((event, ctx) -> {
            entered.countDown();
            release.await();
        }, encode(TestEvents.cancel("slow", "run-1")));

        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        await(() -> consumer.paused().contains(TP));
        Thread.sleep(300);
        assertThat(loop.isAlive()).isTrue();
        assertThat(consumer.commits).isEmpty();
        release.countDown();
        await(() -> consumer.lastCommit() == 1);
        await(() -> consumer.paused().isEmpty());
    }

    @Test
    void closeLetsTheInFlightEventFinishAndCommitsIt() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        List<Boolean> sawShutdown = Collections.synchronizedList(new ArrayList<>());
        start((event, ctx) -> {
            entered.countDown();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!ctx.shutdownRequested() && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            sawShutdown.add(ctx.shutdownRequested());
            Thread.sleep(200); // finishing work after the stop request
        }, encode(TestEvents.cancel("drain", "run-1")), encode(TestEvents.cancel("not-started", "run-1")));

        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        loop.close(Duration.ofSeconds(10));
        assertThat(sawShutdown).containsExactly(true);
        assertThat(consumer.commits).as("the in-flight event is committed, the next one is left for the next owner").containsExactly(1L);
        assertThat(processed.ids).containsExactly("drain");
    }

    @Test
    void aHandlerAbandoningForShutdownLeavesTheEventUncommitted() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        start((event, ctx) -> {
            entered.countDown();
            while (!ctx.shutdownRequested()) {
                Thread.sleep(5);
            }
            throw new EventAbandonedException("checkpoint saved at step 500");
        }, encode(TestEvents.cancel("long-training", "run-1")));

        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        loop.close(Duration.ofSeconds(10));
        assertThat(consumer.commits).isEmpty();
        assertThat(sentTo(Topics.TRAINING_CANCEL_REQUESTED.dlq())).isEmpty();
    }
}
