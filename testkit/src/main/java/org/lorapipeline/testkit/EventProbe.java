package org.lorapipeline.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.lorapipeline.infra.StackEndpoints;
import org.lorapipeline.schemas.TopicSpec;

/**
 * Reads every event of one topic, from the beginning of all its partitions, until a condition holds or time runs
 * out; then the test fails with what it did see. It uses no consumer group, so it never disturbs the groups of the
 * services under test, and many probes may read the same topic at once.
 *
 * <p>On a shared stack other tests write to the same catalog topics: match on your own run id or key. Records whose
 * value does not decode (a test feeding garbage to a service on purpose) are kept apart in {@link #undecodable()}.
 */
public final class EventProbe<V> implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(100);

    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Function<byte[], V> decoder;
    private final List<ConsumerRecord<String, V>> seen = new ArrayList<>();
    private final List<ConsumerRecord<String, byte[]>> undecodable = new ArrayList<>();
    private boolean assigned;
    private boolean skipExisting;

    private EventProbe(StackEndpoints endpoints, String topic, Function<byte[], V> decoder) {
        this.topic = topic;
        this.decoder = decoder;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "lora-probe-" + topic + "-" + System.identityHashCode(this),
                // read only committed records, as services with exactly-once producers would
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** A probe that decodes values with the catalog serde of {@code spec}. */
    public static <V extends SpecificRecordBase> EventProbe<V> of(StackEndpoints endpoints, TopicSpec<V> spec) {
        org.lorapipeline.schemas.TrustedPackages.ensure();
        var serde = spec.valueSerde();
        return new EventProbe<>(endpoints, spec.name(), serde::decode);
    }

    /** A probe on the dead-letter twin of {@code spec}; values are the raw bytes that could not be handled. */
    public static EventProbe<byte[]> dlq(StackEndpoints endpoints, TopicSpec<?> spec) {
        return raw(endpoints, spec.dlq());
    }

    /** A probe that keeps values as bytes (any topic, including dead-letter topics). */
    public static EventProbe<byte[]> raw(StackEndpoints endpoints, String topic) {
        return new EventProbe<>(endpoints, topic, bytes -> bytes);
    }

    /** Ignore what is in the topic now; only events written from here on count. */
    public EventProbe<V> skipExisting() {
        skipExisting = true;
        return this;
    }

    public String topic() {
        return topic;
    }

    /** The first event whose value matches; fails the test after {@code timeout}. */
    public V await(Predicate<? super V> match, Duration timeout) {
        return awaitRecord(r -> match.test(r.value()), timeout).value();
    }

    /** The first event with this key (the run or dataset id); fails the test after {@code timeout}. */
    public V awaitKey(String key, Duration timeout) {
        return awaitRecord(r -> key.equals(r.key()), timeout).value();
    }

    public ConsumerRecord<String, V> awaitRecord(Predicate<? super ConsumerRecord<String, V>> match, Duration timeout) {
        List<ConsumerRecord<String, V>> all = awaitRecords(records -> records.stream().anyMatch(match), timeout,
                "an event matching the condition");
        return all.stream().filter(match).findFirst().orElseThrow();
    }

    /** {@code count} matching events, in the order read (per partition order); fails the test after {@code timeout}. */
    public List<V> awaitCount(Predicate<? super V> match, int count, Duration timeout) {
        List<ConsumerRecord<String, V>> all = awaitRecords(
                records -> records.stream().filter(r -> match.test(r.value())).count() >= count, timeout,
                count + " matching events");
        return all.stream().map(ConsumerRecord::value).filter(match).limit(count).toList();
    }

    /**
     * Reads until {@code done} holds for everything seen so far and returns all of it. Use this when a test needs
     * the whole sequence (for example: progress events, then exactly one finished event).
     */
    public List<ConsumerRecord<String, V>> awaitRecords(Predicate<? super List<ConsumerRecord<String, V>>> done, Duration timeout) {
        return awaitRecords(done, timeout, "the expected events");
    }

    /** Everything in the topic now: reads up to the end offsets taken at the call. */
    public List<ConsumerRecord<String, V>> readToEnd(Duration timeout) {
        long deadline = deadline(timeout);
        ensureAssigned(deadline);
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), remaining(deadline));
        while (consumer.assignment().stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("could not read " + topic + " to its end within " + timeout + "; " + summary());
            }
            pollOnce();
        }
        return seen();
    }

    /** Every decoded event read so far, in the order read. */
    public List<ConsumerRecord<String, V>> seen() {
        return Collections.unmodifiableList(new ArrayList<>(seen));
    }

    /** Records whose value the catalog serde could not decode. */
    public List<ConsumerRecord<String, byte[]>> undecodable() {
        return Collections.unmodifiableList(new ArrayList<>(undecodable));
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }

    private List<ConsumerRecord<String, V>> awaitRecords(
            Predicate<? super List<ConsumerRecord<String, V>>> done, Duration timeout, String what) {
        long deadline = deadline(timeout);
        ensureAssigned(deadline);
        while (!done.test(Collections.unmodifiableList(seen))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + timeout + " on " + topic + " for " + what + "; " + summary());
            }
            pollOnce();
        }
        return seen();
    }

    private void pollOnce() {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
            V value;
            try {
                value = decoder.apply(record.value());
            } catch (RuntimeException e) {
                undecodable.add(record);
                continue;
            }
            seen.add(new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), record.timestamp(),
                    record.timestampType(), record.serializedKeySize(), record.serializedValueSize(), record.key(), value,
                    record.headers(), record.leaderEpoch()));
        }
    }

    /** Waits for the topic to exist (a service may create nothing, but a test may probe before bootstrap ends). */
    private void ensureAssigned(long deadline) {
        if (assigned) {
            return;
        }
        List<PartitionInfo> partitions = List.of();
        while (partitions.isEmpty()) {
            partitions = consumer.partitionsFor(topic, remaining(deadline));
            if (partitions.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("topic " + topic + " does not exist on the stack");
                }
                sleep(100);
            }
        }
        List<TopicPartition> tps = partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(tps);
        if (skipExisting) {
            consumer.seekToEnd(tps);
            tps.forEach(consumer::position); // resolve the end now, not at the first poll
        } else {
            consumer.seekToBeginning(tps);
        }
        assigned = true;
    }

    private String summary() {
        String last = seen.stream().skip(Math.max(0, seen.size() - 5))
                .map(r -> "  p" + r.partition() + "@" + r.offset() + " key=" + r.key() + " value=" + abbreviate(r.value()))
                .collect(Collectors.joining("\n"));
        return "saw " + seen.size() + " events" + (undecodable.isEmpty() ? "" : " and " + undecodable.size() + " undecodable records")
                + (seen.isEmpty() ? "" : ", the last ones:\n" + last);
    }

    private static String abbreviate(Object value) {
        String text = value instanceof byte[] bytes ? bytes.length + " bytes" : String.valueOf(value);
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private static long deadline(Duration timeout) {
        return System.nanoTime() + timeout.toNanos();
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(deadline - System.nanoTime(), Duration.ofMillis(100).toNanos()));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for events", e);
        }
    }
}
