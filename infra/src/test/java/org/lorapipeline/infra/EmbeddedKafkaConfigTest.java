package org.lorapipeline.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import org.junit.jupiter.api.Test;

/** The broker settings pass Kafka's own config validation and say what a one-node dev cluster needs. */
class EmbeddedKafkaConfigTest {
    @Test
    void isAValidCombinedKraftNodeWithSingleReplicaInternals() {
        Properties props = new Properties();
        props.putAll(EmbeddedKafka.brokerConfig(Path.of("/tmp/x/kafka/data"), 19092, 19093));
        KafkaConfig config = KafkaConfig.fromProps(props, false);

        assertThat(config.processRoles().size()).isEqualTo(2);
        assertThat(config.nodeId()).isEqualTo(EmbeddedKafka.NODE_ID);
        assertThat(config.autoCreateTopicsEnable()).isFalse();
        assertThat(config.groupCoordinatorConfig().offsetsTopicReplicationFactor()).isEqualTo((short) 1);
        assertThat(config.getShort("transaction.state.log.replication.factor")).isEqualTo((short) 1);
        assertThat(config.getInt("transaction.state.log.min.isr")).isEqualTo(1);
        assertThat(config.getInt("min.insync.replicas")).isEqualTo(1);
        assertThat(config.shareCoordinatorConfig().shareCoordinatorStateTopicReplicationFactor()).isEqualTo((short) 1);
        assertThat(config.groupCoordinatorConfig().classicGroupInitialRebalanceDelayMs()).isZero();
        assertThat(props.getProperty("listeners")).isEqualTo("PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093");
        assertThat(props.getProperty("controller.quorum.voters")).isEqualTo("1@127.0.0.1:19093");
    }
}
