package org.lorapipeline.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.HashMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.lorapipeline.events.ModelExported;
import org.lorapipeline.events.ObjectRef;
import org.lorapipeline.export.ExportLayout;
import org.lorapipeline.runtime.ObjectStore;
import org.lorapipeline.schemas.Topics;

/**
 * A downstream consumer of {@code model.exported.v1}, kept small on purpose so it can be copied (docs/downstream.md):
 * <ul>
 *   <li>its own consumer group, so it gets every event whatever other consumers do, and resumes where it stopped;</li>
 *   <li>{@code read_committed}, so events of aborted producer transactions are never seen;</li>
 *   <li>offsets committed only after an event was handled (at-least-once), with repeats dropped by {@code eventId};</li>
 *   <li>values decoded with the catalog's Avro serde (single-object encoding, no schema registry);</li>
 *   <li>files fetched by their {@code ObjectRef}s and checked against the sha256 the event carries.</li>
 * </ul>
 */
final class ModelFollower implements AutoCloseable {
    private static final int REMEMBERED_IDS = 10_000;

    private final KafkaConsumer<String, byte[]> consumer;
    private final ObjectStore store;
    private final Map<String, Boolean> seen = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_IDS;
        }
    };

    ModelFollower(String bootstrapServers, String groupId, ObjectStore store) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // a new downstream service starts with the models that already exist
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.store = store;
        consumer.subscribe(java.util.List.of(Topics.MODEL_EXPORTED.name()));
    }

    /**
     * Hands each new event to {@code handler} until it accepted {@code limit} events (0 = no limit) or
     * {@link #wakeup()} is called. The handler returns false for events it ignores (another format). Offsets are
     * committed up to the last handled record, so a restart neither skips nor repeats a handled event. Returns the
     * number accepted.
     */
    int run(Predicate<ModelExported> handler, int limit) {
        int accepted = 0;
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        try {
            while (limit == 0 || accepted < limit) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    ModelExported event = Topics.MODEL_EXPORTED.valueSerde().decode(r.value());
                    // a redelivered or re-published event was handled already
                    if (seen.put(event.getEventId(), Boolean.TRUE) == null && handler.test(event)) {
                        accepted++;
                    }
                    done.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    if (limit != 0 && accepted >= limit) {
                        break;
                    }
                }
                commit(done);
            }
        } catch (WakeupException e) {
            // asked to stop
        }
        commit(done);
        return accepted;
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> done) {
        if (!done.isEmpty()) {
            consumer.commitSync(done);
            done.clear();
        }
    }

    /** Downloads every file of the event under {@code dir/<runId>/<format>/}, verified; returns that folder. */
    Path download(ModelExported event, Path dir) {
        Path target = dir.resolve(event.getRunId()).resolve(event.getFormat());
        String prefix = ExportLayout.exportPrefix(event.getRunId(), event.getFormat()) + "/";
        for (ObjectRef f : event.getFiles()) {
            String rel = f.getKey().startsWith(prefix) ? f.getKey().substring(prefix.length())
                    : f.getKey().substring(f.getKey().lastIndexOf('/') + 1);
            store.getToFile(f, target.resolve(rel));
        }
        return target;
    }

    /** Makes a blocked {@link #run} return; safe from another thread (a shutdown hook). */
    void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
