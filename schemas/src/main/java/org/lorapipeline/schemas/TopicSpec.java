package org.lorapipeline.schemas;

import java.time.Duration;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One topic of the pipeline: its name ({@code <noun>.<past-verb>.v<N>}), the event type it carries, how it is
 * partitioned and kept, and its dead-letter twin. Keys are always the run id (a string), so one run's events
 * stay ordered within a partition.
 */
public record TopicSpec<V extends SpecificRecordBase>(
        String name, Class<V> valueType, int partitions, Duration retention, boolean compacted, String description) {

    public static final String DLQ_SUFFIX = ".dlq";
    public static final Duration DLQ_RETENTION = Duration.ofDays(30);

    public TopicSpec {
        if (name == null || !name.matches("[a-z]+(-[a-z]+)*\\.[a-z]+(-[a-z]+)*\\.v[0-9]+")) {
            throw new IllegalArgumentException("topic name must look like <noun>.<past-verb>.v<N>, got " + name);
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1 for " + name);
        }
        if (retention == null || retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive for " + name);
        }
    }

    public String dlq() {
        return name + DLQ_SUFFIX;
    }

    public Serde<String> keySerde() {
        return Serdes.String();
    }

    public AvroSerde<V> valueSerde() {
        return AvroSerde.of(valueType);
    }

    /** Topic-level configs for creation: retention, and compaction where the topic is a table. */
    public Map<String, String> configs() {
        return Map.of(
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()),
                TopicConfig.CLEANUP_POLICY_CONFIG, compacted ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE);
    }

    public NewTopic newTopic(short replication) {
        return new NewTopic(name, partitions, replication).configs(configs());
    }

    /** The dead-letter twin: same partitions, longer retention, holds the raw bytes plus error headers. */
    public NewTopic newDlqTopic(short replication) {
        return new NewTopic(dlq(), partitions, replication).configs(Map.of(
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(DLQ_RETENTION.toMillis()),
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE));
    }
}
