package org.lorapipeline.train;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.lorapipeline.events.TrainingCancelRequested;
import org.lorapipeline.runtime.ServiceConfig;
import org.lorapipeline.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every worker reads every {@code training.cancel-requested} event (a broadcast): the run may be on any worker, and a
 * consumer group would hand each event to one member only. The consumer is assigned all partitions by hand, starts
 * at the end and commits nothing, so workers joining and leaving cause no rebalance and leave no consumer groups
 * behind. A cancel sent while no worker was listening is not lost: the router records it in
 * {@code runs/<runId>/cancel-requested}, which workers check before a run and every few seconds during it; this
 * watch only makes the common case fast.
 */
final class CancelWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CancelWatch.class);

    private final Map<String, RunContext> running = new ConcurrentHashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean closed;

    CancelWatch(ServiceConfig config) {
        Map<String, Object> p = new HashMap<>(config.kafkaProperties());
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, config.serviceName() + "-" + config.workerId() + "-cancel-watch");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumer = new KafkaConsumer<>(p);
        thread = new Thread(this::run, "lora-cancel-watch");
        thread.setDaemon(true);
    }

    CancelWatch start() {
        thread.start();
        return this;
    }

    void register(RunContext run) {
        running.put(run.runId(), run);
    }

    void unregister(RunContext run) {
        running.remove(run.runId(), run);
    }

    private void run() {
        var serde = Topics.TRAINING_CANCEL_REQUESTED.valueSerde();
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.TRAINING_CANCEL_REQUESTED.name()).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            while (!closed) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        TrainingCancelRequested cancel = serde.decode(r.value());
                        RunContext run = running.get(cancel.getRunId());
                        if (run != null) {
                            log.info("run {}: cancel requested by {}; stopping after the current step",
                                    cancel.getRunId(), cancel.getRequestedBy());
                            run.stop(RunContext.Stop.CANCELLED);
                        }
                    } catch (RuntimeException e) {
                        log.warn("unreadable cancel request at {}-{} offset {}: {}", r.topic(), r.partition(), r.offset(),
                                e.getMessage());
                    }
                }
            }
        } catch (WakeupException e) {
            // close() woke the poll
        } catch (RuntimeException e) {
            log.warn("cancel watch stopped: {}; cancels still arrive through the S3 marker", e.toString());
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        consumer.wakeup();
        thread.join(Duration.ofSeconds(10).toMillis());
    }
}
