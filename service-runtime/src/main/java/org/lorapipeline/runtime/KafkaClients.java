package org.lorapipeline.runtime;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Client settings in one place, so every service talks to Kafka the same way. */
final class KafkaClients {
    private KafkaClients() {}

    static Map<String, Object> admin(ServiceConfig config) {
        Map<String, Object> p = new HashMap<>(config.kafkaProperties());
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, config.serviceName() + "-" + config.workerId() + "-admin");
        return p;
    }

    /** Idempotent producer, acks from all in-sync replicas: a follow-up is either durably written once or the send fails. */
    static Map<String, Object> producer(ServiceConfig config) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.putAll(config.kafkaProperties());
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, config.serviceName() + "-" + config.workerId() + "-producer");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return p;
    }

    /**
     * Raw-bytes consumer with manual commits. Values are decoded in the loop, so a corrupt record becomes a
     * dead letter instead of an exception thrown out of {@code poll}. Cooperative-sticky assignment keeps a busy
     * member's partitions where they are when others join or leave.
     */
    static Map<String, Object> consumer(ServiceConfig config, String groupId, String topic) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.putAll(config.kafkaProperties());
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, config.serviceName() + "-" + config.workerId() + "-" + topic);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return p;
    }
}
