package org.lorapipeline.infra.manifests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.lorapipeline.schemas.TopicSpec;
import org.lorapipeline.schemas.Topics;

/**
 * Writes the deployment's topic definitions from the topic catalog, so they cannot drift from the code: Strimzi
 * {@code KafkaTopic} resources for Kubernetes and the {@code kafka-topics.sh} script the compose topic-init job runs.
 * Run from the repository root after changing {@link Topics}:
 * {@code java -cp ... org.lorapipeline.infra.manifests.KafkaTopicManifests infra}; ManifestsTest fails until you do.
 */
public final class KafkaTopicManifests {
    static final String CLUSTER = "lora";
    static final int REPLICAS = 3;
    static final int MIN_IN_SYNC = 2;
    static final String K8S_FILE = "k8s/kafka-topics.yaml";
    static final String COMPOSE_SCRIPT = "compose/create-topics.sh";

    private KafkaTopicManifests() {}

    /** {@code args[0]}: the infra module folder (default {@code infra}). */
    public static void main(String[] args) throws IOException {
        Path infra = Path.of(args.length > 0 ? args[0] : "infra");
        write(infra.resolve(K8S_FILE), kafkaTopicsYaml());
        Path script = infra.resolve(COMPOSE_SCRIPT);
        write(script, createTopicsScript());
        script.toFile().setExecutable(true, false);
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /** One topic as deployments create it: name, partitions and topic-level configs. */
    record TopicDef(String name, int partitions, Map<String, String> configs, String description) {}

    /** Every catalog topic followed by its dead-letter twin, in catalog order. */
    static List<TopicDef> topics() {
        return Topics.ALL.stream().flatMap(spec -> java.util.stream.Stream.of(
                new TopicDef(spec.name(), spec.partitions(), spec.configs(), spec.description()),
                new TopicDef(spec.dlq(), spec.partitions(), dlqConfigs(), "dead letters of " + spec.name())))
                .toList();
    }

    private static Map<String, String> dlqConfigs() {
        return Map.of(
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(TopicSpec.DLQ_RETENTION.toMillis()),
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
    }

    static String kafkaTopicsYaml() {
        StringBuilder out = new StringBuilder();
        out.append("# GENERATED from org.lorapipeline.schemas.Topics by org.lorapipeline.infra.manifests.KafkaTopicManifests.\n")
                .append("# Do not edit: change the catalog and re-run the generator.\n");
        for (TopicDef topic : topics()) {
            out.append("---\n")
                    .append("# ").append(topic.description()).append('\n')
                    .append("apiVersion: kafka.strimzi.io/v1beta2\n")
                    .append("kind: KafkaTopic\n")
                    .append("metadata:\n")
                    .append("  name: ").append(topic.name()).append('\n')
                    .append("  labels:\n")
                    .append("    strimzi.io/cluster: ").append(CLUSTER).append('\n')
                    .append("    app.kubernetes.io/part-of: lora-pipeline\n")
                    .append("spec:\n")
                    .append("  topicName: ").append(topic.name()).append('\n')
                    .append("  partitions: ").append(topic.partitions()).append('\n')
                    .append("  replicas: ").append(REPLICAS).append('\n')
                    .append("  config:\n");
            configsWithIsr(topic).forEach((key, value) ->
                    out.append("    ").append(key).append(": \"").append(value).append("\"\n"));
        }
        return out.toString();
    }

    static String createTopicsScript() {
        StringBuilder out = new StringBuilder();
        out.append("#!/bin/bash\n")
                .append("# GENERATED from org.lorapipeline.schemas.Topics by org.lorapipeline.infra.manifests.KafkaTopicManifests.\n")
                .append("# Creates every catalog topic and its dead-letter twin; safe to re-run. Single-broker compose stack.\n")
                .append("set -euo pipefail\n")
                .append("BOOTSTRAP=\"${LORA_KAFKA_BOOTSTRAP:-kafka:9092}\"\n")
                .append("TOPICS=/opt/kafka/bin/kafka-topics.sh\n");
        for (TopicDef topic : topics()) {
            out.append("\"$TOPICS\" --bootstrap-server \"$BOOTSTRAP\" --create --if-not-exists --topic ").append(topic.name())
                    .append(" --partitions ").append(topic.partitions()).append(" --replication-factor 1");
            topic.configs().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> out.append(" --config ").append(e.getKey()).append('=').append(e.getValue()));
            out.append('\n');
        }
        out.append("echo \"created or found ").append(topics().size()).append(" topics\"\n");
        return out.toString();
    }

    /** Catalog configs plus min.insync.replicas for the 3-replica cluster, sorted for stable output. */
    private static Map<String, String> configsWithIsr(TopicDef topic) {
        Map<String, String> configs = new java.util.TreeMap<>(topic.configs());
        configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(MIN_IN_SYNC));
        return configs;
    }
}
