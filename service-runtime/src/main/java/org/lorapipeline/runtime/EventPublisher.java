package org.lorapipeline.runtime;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.lorapipeline.schemas.AvroSerde;
import org.lorapipeline.schemas.TopicSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes events to their catalog topic, keyed by the event's {@code runId} so one run's events stay in order.
 * {@link #publish} waits for the broker's acknowledgement and throws {@link PublishException} with the broker's
 * reason; {@link #publishAsync} returns the future for callers that batch. Thread-safe; one per process.
 */
public final class EventPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);
    public static final String HEADER_SERVICE = "lora.service";
    public static final String HEADER_CAUSED_BY = "lora.caused.by";

    static {
        org.lorapipeline.schemas.TrustedPackages.ensure();
    }

    private final Producer<byte[], byte[]> producer;
    private final String serviceName;
    private final Duration sendTimeout;
    private final Map<Class<?>, AvroSerde<?>> serdes = new ConcurrentHashMap<>();

    public EventPublisher(Producer<byte[], byte[]> producer, String serviceName, Duration sendTimeout) {
        this.producer = producer;
        this.serviceName = serviceName;
        this.sendTimeout = sendTimeout;
    }

    public static EventPublisher create(ServiceConfig config) {
        return new EventPublisher(new KafkaProducer<>(KafkaClients.producer(config)), config.serviceName(), Duration.ofMinutes(2));
    }

    /** Sends and waits for the acknowledgement. */
    public <V extends SpecificRecordBase> RecordMetadata publish(TopicSpec<V> topic, V event) {
        return await(publishAsync(topic, event, null), topic.name());
    }

    public <V extends SpecificRecordBase> CompletableFuture<RecordMetadata> publishAsync(TopicSpec<V> topic, V event) {
        return publishAsync(topic, event, null);
    }

    <V extends SpecificRecordBase> CompletableFuture<RecordMetadata> publishAsync(TopicSpec<V> topic, V event, String causedBy) {
        if (!topic.valueType().isInstance(event)) {
            throw new IllegalArgumentException(topic.name() + " carries " + topic.valueType().getSimpleName() + ", not "
                    + event.getClass().getSimpleName());
        }
        String runId = Events.runId(event);
        String eventId = Events.eventId(event);
        if (runId == null || runId.isBlank()) {
            throw new IllegalArgumentException("cannot publish " + event.getClass().getSimpleName() + " without runId (it is the record key)");
        }
        if (eventId == null || eventId.isBlank()) {
            throw new IllegalArgumentException("cannot publish " + event.getClass().getSimpleName() + " without eventId; use Events.newEventId()");
        }
        @SuppressWarnings("unchecked")
        AvroSerde<V> serde = (AvroSerde<V>) serdes.computeIfAbsent(topic.valueType(), t -> topic.valueSerde());
        RecordHeaders headers = new RecordHeaders();
        headers.add(HEADER_SERVICE, serviceName.getBytes(StandardCharsets.UTF_8));
        if (causedBy != null) {
            headers.add(HEADER_CAUSED_BY, causedBy.getBytes(StandardCharsets.UTF_8));
        }
        byte[] key = runId.getBytes(StandardCharsets.UTF_8);
        return send(new ProducerRecord<>(topic.name(), null, key, serde.encode(event), headers));
    }

    /** Raw send (dead letters keep the original bytes). */
    CompletableFuture<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    result.completeExceptionally(new PublishException("could not write to " + record.topic() + ": " + error.getMessage(), error));
                } else {
                    result.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            // send() itself throws for serialization, buffer exhaustion (after max.block.ms) or a closed producer
            result.completeExceptionally(new PublishException("could not write to " + record.topic() + ": " + e.getMessage(), e));
        }
        return result;
    }

    RecordMetadata await(CompletableFuture<RecordMetadata> future, String topic) {
        try {
            return future.get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PublishException pe) {
                throw pe;
            }
            throw new PublishException("could not write to " + topic + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new PublishException("no acknowledgement from Kafka for " + topic + " within " + sendTimeout
                    + "; is LORA_KAFKA_BOOTSTRAP reachable?", new org.apache.kafka.common.errors.TimeoutException(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while writing to " + topic, e);
        }
    }

    Duration sendTimeout() {
        return sendTimeout;
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        try {
            producer.close(Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            log.warn("closing the Kafka producer failed: {}", e.getMessage());
        }
    }
}
