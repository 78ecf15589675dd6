package org.lorapipeline.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.events.DatasetRegistered;
import org.lorapipeline.schemas.TopicSpec;
import org.lorapipeline.schemas.Topics;

class DevStackIT {
    private static final TopicSpec<DatasetRegistered> TOPIC = Topics.DATASET_REGISTERED;

    @BeforeAll
    static void trustEvents() {
        org.lorapipeline.schemas.TrustedPackages.ensure();
    }

    @Test
    void writesAPrivateStackFileThatAnotherProcessCanReadAndRemovesItOnClose(@TempDir Path dir) throws Exception {
        StackEndpoints endpoints;
        try (DevStack stack = DevStack.start(DevStackOptions.ephemeral(dir))) {
            endpoints = stack.endpoints();
            Path file = dir.resolve("stack.properties");
            assertThat(file).isRegularFile();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(StackEndpoints.read(dir)).contains(endpoints);
            assertThat(DevStack.findRunning(dir)).contains(endpoints);
            assertThat(Files.readString(file)).contains("LORA_KAFKA_BOOTSTRAP=" + stack.kafka().bootstrapServers())
                    .contains("LORA_S3_ENDPOINT=" + stack.s3().endpoint())
                    .contains("LORA_S3_BUCKET=lora");
            assertThat(stack.createdTopics()).containsExactlyInAnyOrderElementsOf(Topics.allNames());

            assertThatThrownBy(() -> DevStack.start(DevStackOptions.ephemeral(dir)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another lora dev stack is running from " + dir.toAbsolutePath().normalize());
            assertThat(file).as("the refused second start must not touch the running stack's file").isRegularFile();
        }
        assertThat(dir.resolve("stack.properties")).doesNotExist();
        assertThat(DevStack.findRunning(dir)).isEmpty();
        assertThat(listening(endpoints.s3Endpoint().getPort())).as("S3 port closed").isFalse();
        assertThat(listening(Integer.parseInt(endpoints.bootstrapServers().split(":")[1]))).as("Kafka port closed").isFalse();
        assertThat(endpoints.toString()).doesNotContain(endpoints.secretKey());
    }

    @Test
    void restartOnTheSameDataDirKeepsRecordsObjectsClusterIdAndKeys(@TempDir Path dir) throws Exception {
        DatasetRegistered event = SampleEvent.registered("run-restart");
        byte[] object = "kept across restarts".getBytes(StandardCharsets.UTF_8);
        String clusterId;
        StackEndpoints first;
        try (DevStack stack = DevStack.start(DevStackOptions.ephemeral(dir))) {
            first = stack.endpoints();
            clusterId = stack.kafka().clusterId();
            produce(first, event);
            minio(first).putObject(PutObjectArgs.builder().bucket("lora").object("datasets/ds-restart/a.txt")
                    .stream(new ByteArrayInputStream(object), (long) object.length, -1L).build());
        }
        try (DevStack stack = DevStack.start(DevStackOptions.ephemeral(dir))) {
            StackEndpoints second = stack.endpoints();
            assertThat(stack.kafka().clusterId()).isEqualTo(clusterId);
            assertThat(stack.createdTopics()).as("topics survived, none to create").isEmpty();
            assertThat(second.accessKey()).isEqualTo(first.accessKey());
            assertThat(second.secretKey()).isEqualTo(first.secretKey());
            assertThat(consumeAll(second)).extracting(ConsumerRecord::value).contains(event);
            try (InputStream in = minio(second).getObject(GetObjectArgs.builder().bucket("lora").object("datasets/ds-restart/a.txt").build())) {
                assertThat(in.readAllBytes()).isEqualTo(object);
            }
        }
    }

    @Test
    void twoStacksRunSideBySideInOneJvmWithoutSeeingEachOther(@TempDir Path a, @TempDir Path b) throws Exception {
        CompletableFuture<DevStack> startA = CompletableFuture.supplyAsync(() -> DevStack.start(DevStackOptions.ephemeral(a)));
        CompletableFuture<DevStack> startB = CompletableFuture.supplyAsync(() -> DevStack.start(DevStackOptions.ephemeral(b)));
        try (DevStack stackA = startA.get(120, TimeUnit.SECONDS); DevStack stackB = startB.get(120, TimeUnit.SECONDS)) {
            assertThat(stackA.kafka().port()).isNotEqualTo(stackB.kafka().port());
            assertThat(stackA.s3().port()).isNotEqualTo(stackB.s3().port());
            assertThat(stackA.kafka().clusterId()).isNotEqualTo(stackB.kafka().clusterId());
            assertThat(stackA.endpoints().secretKey()).isNotEqualTo(stackB.endpoints().secretKey());

            DatasetRegistered onlyInA = SampleEvent.registered("run-only-a");
            produce(stackA.endpoints(), onlyInA);
            assertThat(consumeAll(stackA.endpoints())).extracting(ConsumerRecord::value).containsExactly(onlyInA);
            assertThat(consumeAll(stackB.endpoints())).isEmpty();

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stackB.kafka().bootstrapServers()))) {
                assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).containsAll(Topics.allNames());
            }
        } finally {
            // if one start failed, the other must still be closed
            startA.thenAccept(DevStack::close);
            startB.thenAccept(DevStack::close);
        }
    }

    private static void produce(StackEndpoints endpoints, DatasetRegistered event) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.bootstrapServers()),
                new StringSerializer(), TOPIC.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(TOPIC.name(), event.getRunId(), event)).get(30, TimeUnit.SECONDS);
        }
    }

    /** Everything in the topic: reads until the end offsets seen at the start. */
    private static List<ConsumerRecord<String, DatasetRegistered>> consumeAll(StackEndpoints endpoints) {
        List<ConsumerRecord<String, DatasetRegistered>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), TOPIC.valueSerde().deserializer())) {
            var partitions = consumer.partitionsFor(TOPIC.name(), Duration.ofSeconds(10)).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static boolean listening(int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static MinioClient minio(StackEndpoints endpoints) {
        return MinioClient.builder().endpoint(endpoints.s3Endpoint().toString())
                .credentials(endpoints.accessKey(), endpoints.secretKey()).region(EmbeddedS3.REGION).build();
    }
}
