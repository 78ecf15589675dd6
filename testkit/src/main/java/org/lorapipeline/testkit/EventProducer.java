package org.lorapipeline.testkit;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.lorapipeline.infra.StackEndpoints;
import org.lorapipeline.schemas.TopicSpec;

/**
 * Writes events the way a service does (catalog serde, run id as key, acks=all, idempotent) and waits for the
 * broker's acknowledgement, so a test knows the event is in the log before it looks for the reaction.
 */
public final class EventProducer implements AutoCloseable {
    private static final long SEND_TIMEOUT_SECONDS = 30;

    private final KafkaProducer<String, byte[]> producer;

    private EventProducer(StackEndpoints endpoints) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0),
                new StringSerializer(), new ByteArraySerializer());
    }

    public static EventProducer create(StackEndpoints endpoints) {
        return new EventProducer(endpoints);
    }

    /** Sends one catalog event keyed by {@code key} (the run or dataset id) and waits for the broker. */
    public <V extends SpecificRecordBase> RecordMetadata send(TopicSpec<V> spec, String key, V event) {
        org.lorapipeline.schemas.TrustedPackages.ensure();
        return sendRaw(spec.name(), key, spec.valueSerde().encode(event), Map.of());
    }

    /** Sends arbitrary bytes, e.g. a corrupt event to check that a service routes it to the dead-letter topic. */
    public RecordMetadata sendRaw(String topic, String key, byte[] value, Map<String, byte[]> headers) {
        RecordHeaders recordHeaders = new RecordHeaders();
        headers.forEach(recordHeaders::add);
        try {
            return producer.send(new ProducerRecord<>(topic, null, key, value, recordHeaders))
                    .get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while sending to " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("could not send to " + topic + ": " + (e.getCause() != null ? e.getCause() : e), e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
