package org.lorapipeline.testkit;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.lorapipeline.infra.S3Credentials;
import org.lorapipeline.infra.StackEndpoints;
import org.lorapipeline.schemas.TopicBootstrap;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Kafka (the official apache/kafka KRaft image) and MinIO in containers, for machines with Docker. The images can be
 * changed with {@code -Dlora.stack.kafkaImage=...} and {@code -Dlora.stack.minioImage=...}.
 */
final class ContainerStack implements RunningStack {
    /** Same broker version as the embedded one and the compose file. */
    static final String KAFKA_IMAGE = "apache/kafka:4.3.1";
    /** Same MinIO release as the compose file and the k8s manifests. */
    static final String MINIO_IMAGE = "minio/minio:RELEASE.2025-04-22T22-12-26Z";

    private final KafkaContainer kafka;
    private final MinIOContainer minio;
    private final Path dir;
    private final StackEndpoints endpoints;

    private ContainerStack(KafkaContainer kafka, MinIOContainer minio, Path dir, StackEndpoints endpoints) {
        this.kafka = kafka;
        this.minio = minio;
        this.dir = dir;
        this.endpoints = endpoints;
    }

    @SuppressWarnings("resource") // both containers are closed by close(), or below when start-up fails
    static ContainerStack start() {
        S3Credentials credentials = S3Credentials.generate();
        KafkaContainer kafka = new KafkaContainer(System.getProperty("lora.stack.kafkaImage", KAFKA_IMAGE))
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        MinIOContainer minio = new MinIOContainer(System.getProperty("lora.stack.minioImage", MINIO_IMAGE))
                .withUserName(credentials.accessKey())
                .withPassword(credentials.secretKey());
        Path dir = null;
        try {
            CompletableFuture.allOf(CompletableFuture.runAsync(kafka::start), CompletableFuture.runAsync(minio::start)).join();
            dir = Files.createTempDirectory("lora-stack-");
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBootstrapServers()))) {
                TopicBootstrap.ensureTopics(admin, (short) 1);
            }
            StackEndpoints endpoints = new StackEndpoints(kafka.getBootstrapServers(), URI.create(minio.getS3URL()),
                    credentials.accessKey(), credentials.secretKey(), "lora", dir);
            var client = S3Clients.minio(endpoints);
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(endpoints.bucket()).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(endpoints.bucket()).build());
            }
            endpoints.write();
            return new ContainerStack(kafka, minio, dir, endpoints);
        } catch (Exception e) {
            kafka.stop();
            minio.stop();
            if (dir != null) {
                EmbeddedStack.deleteTree(dir);
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("could not prepare the container stack", io);
            }
            throw new IllegalStateException("could not start the Kafka/MinIO containers (is Docker running? -D"
                    + StackKind.PROPERTY + "=embedded needs no Docker): " + e.getMessage(), e);
        }
    }

    @Override
    public StackEndpoints endpoints() {
        return endpoints;
    }

    @Override
    public String kind() {
        return "testcontainers";
    }

    @Override
    public void close() {
        try {
            kafka.stop();
            minio.stop();
        } finally {
            EmbeddedStack.deleteTree(dir);
        }
    }
}
