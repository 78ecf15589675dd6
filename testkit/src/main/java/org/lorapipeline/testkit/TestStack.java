package org.lorapipeline.testkit;

import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.lorapipeline.infra.StackEndpoints;
import org.lorapipeline.schemas.TopicSpec;

/**
 * What a test gets from {@link RealStack}: the endpoints of a running stack, ready clients, and names nobody else
 * uses. Every catalog topic (and DLQ twin) and the bucket from {@link StackEndpoints#bucket()} exist already.
 *
 * <p>Parallel-safe use: key events by a run id from {@link #uniqueId(String)} and match on it, give each consumer
 * group a {@link #uniqueId(String)}, and put objects under a unique prefix or in a {@link #createBucket(String)}.
 * Clients from this object are shared and closed with the stack; probes and producers you create, you close.
 */
public final class TestStack implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong COUNTER = new AtomicLong();

    private final RunningStack stack;
    private Admin admin;
    private EventProducer producer;
    private MinioClient s3;

    TestStack(RunningStack stack) {
        this.stack = stack;
    }

    public StackEndpoints endpoints() {
        return stack.endpoints();
    }

    /** {@code embedded} or {@code testcontainers}. */
    public String kind() {
        return stack.kind();
    }

    public synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints().bootstrapServers()));
        }
        return admin;
    }

    /** A shared producer that waits for every send to be acknowledged. */
    public synchronized EventProducer producer() {
        if (producer == null) {
            producer = EventProducer.create(endpoints());
        }
        return producer;
    }

    public synchronized MinioClient s3() {
        if (s3 == null) {
            s3 = S3Clients.minio(endpoints());
        }
        return s3;
    }

    /** A new probe reading {@code spec}'s topic from the beginning; close it (try-with-resources). */
    public <V extends SpecificRecordBase> EventProbe<V> probe(TopicSpec<V> spec) {
        return EventProbe.of(endpoints(), spec);
    }

    /** A new probe reading {@code spec}'s dead-letter topic as raw bytes. */
    public EventProbe<byte[]> dlqProbe(TopicSpec<?> spec) {
        return EventProbe.dlq(endpoints(), spec);
    }

    /** {@code <prefix>-<8 random hex>-<n>}: unique in this JVM and, with overwhelming odds, across JVMs. */
    public String uniqueId(String prefix) {
        byte[] bytes = new byte[4];
        RANDOM.nextBytes(bytes);
        return prefix + "-" + HexFormat.of().formatHex(bytes) + "-" + COUNTER.incrementAndGet();
    }

    /** Creates a topic only this test uses and returns its name. */
    public String createTopic(String prefix, int partitions) {
        String name = uniqueId(prefix);
        try {
            admin().createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
            return name;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while creating topic " + name, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("could not create topic " + name + ": " + e.getMessage(), e);
        }
    }

    /** Creates a bucket only this test uses and returns its name. */
    public String createBucket(String prefix) {
        String name = uniqueId(prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-"));
        try {
            s3().makeBucket(MakeBucketArgs.builder().bucket(name).build());
            return name;
        } catch (Exception e) {
            throw new AssertionError("could not create bucket " + name + ": " + e.getMessage(), e);
        }
    }

    /** Consumer settings for a service-like consumer in group {@code groupId}, reading from the earliest offset. */
    public Map<String, Object> consumerConfig(String groupId) {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, groupId,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    }

    public Map<String, Object> producerConfig() {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
    }

    /** The service environment ({@code LORA_KAFKA_BOOTSTRAP}, {@code LORA_S3_*}) for starting a service in-process. */
    public Map<String, String> environment() {
        return endpoints().asEnvironment();
    }

    @Override
    public synchronized void close() {
        try {
            if (producer != null) {
                producer.close();
            }
            if (admin != null) {
                admin.close();
            }
            if (s3 != null) {
                s3.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not close the test stack's clients", e);
        } finally {
            stack.close();
        }
    }
}
