package org.lorapipeline.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.events.DatasetRegistered;
import org.lorapipeline.schemas.TopicBootstrap;
import org.lorapipeline.schemas.TopicSpec;
import org.lorapipeline.schemas.Topics;

class EmbeddedKafkaIT {
    @TempDir
    static Path dataDir;
    static EmbeddedKafka kafka;
    static Admin admin;
    static List<String> createdByFirstBootstrap;

    @BeforeAll
    static void start() {
        org.lorapipeline.schemas.TrustedPackages.ensure();
        kafka = EmbeddedKafka.start(dataDir, 0);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        createdByFirstBootstrap = TopicBootstrap.ensureTopics(admin, (short) 1);
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void isOneCombinedKraftNodeWithTheRecordedClusterId() throws Exception {
        var cluster = admin.describeCluster();
        assertThat(cluster.clusterId().get(10, TimeUnit.SECONDS)).isEqualTo(kafka.clusterId());
        assertThat(cluster.nodes().get(10, TimeUnit.SECONDS)).singleElement()
                .satisfies(node -> {
                    assertThat(node.id()).isEqualTo(EmbeddedKafka.NODE_ID);
                    assertThat(node.host()).isEqualTo("127.0.0.1");
                    assertThat(node.port()).isEqualTo(kafka.port());
                });
        assertThat(kafka.storageDir().resolve("cluster.id")).content().isEqualToIgnoringNewLines(kafka.clusterId());
        assertThat(kafka.storageDir().resolve("data/meta.properties")).content().contains("cluster.id=" + kafka.clusterId());
    }

    @Test
    void createsEveryCatalogTopicAndDlqOnceWithCatalogPartitionsAndRetention() throws Exception {
        assertThat(createdByFirstBootstrap).containsExactlyInAnyOrderElementsOf(Topics.allNames());
        assertThat(TopicBootstrap.ensureTopics(admin, (short) 1)).isEmpty();

        assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).containsAll(Topics.allNames());
        Map<String, TopicDescription> described = admin.describeTopics(Topics.allNames()).allTopicNames().get(10, TimeUnit.SECONDS);
        List<ConfigResource> resources = Topics.allNames().stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(10, TimeUnit.SECONDS);
        for (TopicSpec<?> spec : Topics.ALL) {
            assertThat(described.get(spec.name()).partitions()).hasSize(spec.partitions());
            assertThat(described.get(spec.dlq()).partitions()).hasSize(spec.partitions());
            assertThat(retentionMs(configs, spec.name())).isEqualTo(spec.retention().toMillis());
            assertThat(retentionMs(configs, spec.dlq())).isEqualTo(TopicSpec.DLQ_RETENTION.toMillis());
        }
    }

    @Test
    void carriesAnAvroEventThroughTheBrokerWithTheCatalogSerde() throws Exception {
        TopicSpec<DatasetRegistered> spec = Topics.DATASET_REGISTERED;
        DatasetRegistered sent = SampleEvent.registered("run-kafka-it");
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), spec.valueSerde().serializer())) {
            RecordMetadata meta = producer.send(new ProducerRecord<>(spec.name(), sent.getRunId(), sent)).get(30, TimeUnit.SECONDS);
            assertThat(meta.topic()).isEqualTo(spec.name());
        }
        List<ConsumerRecord<String, DatasetRegistered>> received = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "kafka-it-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), spec.valueSerde().deserializer())) {
            consumer.subscribe(List.of(spec.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.stream().noneMatch(r -> "run-kafka-it".equals(r.key())) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
        }
        assertThat(received).filteredOn(r -> "run-kafka-it".equals(r.key()))
                .singleElement().satisfies(r -> assertThat(r.value()).isEqualTo(sent));
    }

    @Test
    void refusesToAutoCreateTopics() {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000),
                new StringSerializer(), new ByteArraySerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("dataset.typo.v1", "k", new byte[] {1})).get())
                    .hasCauseInstanceOf(TimeoutException.class);
        }
        assertThat(admin.listTopics().names()).succeedsWithin(Duration.ofSeconds(10))
                .satisfies(names -> assertThat(names).doesNotContain("dataset.typo.v1"));
    }

    private static long retentionMs(Map<ConfigResource, Config> configs, String topic) {
        return Long.parseLong(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic)).get(TopicConfig.RETENTION_MS_CONFIG).value());
    }
}
