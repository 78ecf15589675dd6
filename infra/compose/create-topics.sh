#!/bin/bash
# GENERATED from org.lorapipeline.schemas.Topics by org.lorapipeline.infra.manifests.KafkaTopicManifests.
# Creates every catalog topic and its dead-letter twin; safe to re-run. Single-broker compose stack.
set -euo pipefail
BOOTSTRAP="${LORA_KAFKA_BOOTSTRAP:-kafka:9092}"
TOPICS=/opt/kafka/bin/kafka-topics.sh
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic dataset.submitted.v1 --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=2592000000
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic dataset.submitted.v1.dlq --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=2592000000
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic dataset.registered.v1 --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=2592000000
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic dataset.registered.v1.dlq --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=2592000000
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic dataset.rejected.v1 --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=2592000000
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic dataset.rejected.v1.dlq --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=2592000000
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic captions.requested.v1 --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=604800000
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic captions.requested.v1.dlq --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=2592000000
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic captions.ready.v1 --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=2592000000
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic captions.ready.v1.dlq --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=2592000000
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic training.requested.v1 --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=2592000000
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic training.requested.v1.dlq --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=2592000000
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic gpu-training.requested.v1 --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=2592000000
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic gpu-training.requested.v1.dlq --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=2592000000
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic training.started.v1 --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=2592000000
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic training.started.v1.dlq --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=2592000000
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic training.progressed.v1 --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=604800000
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic training.progressed.v1.dlq --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=2592000000
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic checkpoint.saved.v1 --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=2592000000
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic checkpoint.saved.v1.dlq --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=2592000000
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic training.finished.v1 --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=2592000000
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic training.finished.v1.dlq --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=2592000000
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic training.failed.v1 --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=2592000000
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic training.failed.v1.dlq --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=2592000000
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic training.cancel-requested.v1 --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=604800000
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic training.cancel-requested.v1.dlq --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=2592000000
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic model.exported.v1 --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=2592000000
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic model.exported.v1.dlq --partitions 6 --replication-factor 1 --config cleanup.policy=delete --config retention.ms=2592000000
echo "created or found 28 topics"
