package org.lorapipeline.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.lorapipeline.schemas.TopicSpec;
import org.lorapipeline.schemas.Topics;

/**
 * One run's events from every training topic, oldest first, each once. Reads committed records only and drops
 * event ids it has already seen: delivery is at-least-once, so a worker that crashed after sending may send the same
 * event (same id) again, and "no duplicates visible" means no duplicate ids survive this filter. No consumer group:
 * partitions are assigned by hand from the beginning, so watching leaves nothing behind in the cluster.
 */
final class RunEventStream implements AutoCloseable {
    static final List<TopicSpec<?>> TOPICS = List.of(Topics.TRAINING_REQUESTED, Topics.GPU_TRAINING_REQUESTED,
            Topics.TRAINING_STARTED, Topics.TRAINING_PROGRESSED, Topics.CHECKPOINT_SAVED, Topics.TRAINING_FINISHED,
            Topics.TRAINING_FAILED, Topics.MODEL_EXPORTED, Topics.DATASET_REJECTED);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String runId;
    private final Set<String> seen = new HashSet<>();

    RunEventStream(String bootstrap, String runId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(p);
        this.runId = runId;
        List<TopicPartition> partitions = new ArrayList<>();
        for (TopicSpec<?> t : TOPICS) {
            consumer.partitionsFor(t.name()).forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** The run's new events within {@code timeout}, in the order they were written. */
    List<SpecificRecordBase> poll(Duration timeout) {
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
        consumer.poll(timeout).forEach(r -> {
            if (runId.equals(r.key())) {
                batch.add(r);
            }
        });
        batch.sort(Comparator.comparingLong(ConsumerRecord::timestamp));
        List<SpecificRecordBase> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : batch) {
            SpecificRecordBase event = Topics.byName(r.topic()).orElseThrow().valueSerde().decode(r.value());
            if (seen.add(String.valueOf(event.get("eventId")))) {
                out.add(event);
            }
        }
        return out;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
