package org.lorapipeline.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.lorapipeline.events.DatasetRegistered;
import org.lorapipeline.infra.StackEndpoints;
import org.lorapipeline.schemas.Topics;

@RealStack
class SharedStackIT {
    /** Every stack any shared-stack class saw; more than one means the JVM started two. */
    static final Set<String> SEEN_BOOTSTRAPS = ConcurrentHashMap.newKeySet();
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final TestStack stack;

    SharedStackIT(TestStack stack) {
        this.stack = stack;
    }

    @Test
    void injectsOneSharedStackWithEveryCatalogTopicAndTheBucket(StackEndpoints endpoints) throws Exception {
        SEEN_BOOTSTRAPS.add(endpoints.bootstrapServers());
        assertThat(SEEN_BOOTSTRAPS).hasSize(1);
        assertThat(endpoints).isEqualTo(stack.endpoints());
        assertThat(stack.kind()).isEqualTo(System.getProperty("lora.stack", "embedded"));
        assertThat(stack.admin().listTopics().names().get(10, TimeUnit.SECONDS)).containsAll(Topics.allNames());
        assertThat(stack.s3().bucketExists(BucketExistsArgs.builder().bucket(endpoints.bucket()).build())).isTrue();
        assertThat(stack.environment()).containsEntry("LORA_KAFKA_BOOTSTRAP", endpoints.bootstrapServers())
                .containsEntry("LORA_S3_ENDPOINT", endpoints.s3Endpoint().toString());
    }

    @Test
    void producerAndProbeCarryACatalogEventByRunId() {
        String runId = stack.uniqueId("run");
        DatasetRegistered sent = Events.registered(runId);
        stack.producer().send(Topics.DATASET_REGISTERED, runId, sent);
        try (EventProbe<DatasetRegistered> probe = stack.probe(Topics.DATASET_REGISTERED)) {
            assertThat(probe.awaitKey(runId, WAIT)).isEqualTo(sent);
            assertThat(probe.await(e -> e.getRunId().equals(runId), WAIT).getItemCount()).isEqualTo(3);
        }
    }

    @Test
    void probeFailsTheTestWithWhatItSawWhenNothingMatches() {
        String runId = stack.uniqueId("never-sent");
        try (EventProbe<DatasetRegistered> probe = stack.probe(Topics.DATASET_REGISTERED)) {
            assertThatThrownBy(() -> probe.awaitKey(runId, Duration.ofSeconds(1)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("dataset.registered.v1")
                    .hasMessageContaining("saw ");
        }
    }

    @Test
    void skipExistingCountsOnlyNewEventsAndAwaitCountCollectsThemInOrder() {
        String runId = stack.uniqueId("run");
        stack.producer().send(Topics.DATASET_REGISTERED, runId, Events.registered(runId + "-old"));
        try (EventProbe<DatasetRegistered> probe = stack.probe(Topics.DATASET_REGISTERED).skipExisting()) {
            probe.readToEnd(WAIT); // pins the start position before the new events are written
            stack.producer().send(Topics.DATASET_REGISTERED, runId, Events.registered(runId + "-new-1"));
            stack.producer().send(Topics.DATASET_REGISTERED, runId, Events.registered(runId + "-new-2"));
            List<DatasetRegistered> mine = probe.awaitCount(e -> e.getRunId().startsWith(runId), 2, WAIT);
            // same key, same partition: order is kept
            assertThat(mine).extracting(DatasetRegistered::getRunId).containsExactly(runId + "-new-1", runId + "-new-2");
            assertThat(probe.seen()).extracting(ConsumerRecord::value).extracting(DatasetRegistered::getRunId)
                    .doesNotContain(runId + "-old");
        }
    }

    @Test
    void dlqProbeReadsRawBytesWithHeaders() {
        String runId = stack.uniqueId("run");
        byte[] garbage = {0x00, 0x01, 0x02};
        stack.producer().sendRaw(Topics.DATASET_REGISTERED.dlq(), runId, garbage,
                java.util.Map.of("lora.error", "bad".getBytes(StandardCharsets.UTF_8)));
        try (EventProbe<byte[]> probe = stack.dlqProbe(Topics.DATASET_REGISTERED)) {
            ConsumerRecord<String, byte[]> record = probe.awaitRecord(r -> runId.equals(r.key()), WAIT);
            assertThat(record.value()).containsExactly(garbage);
            assertThat(record.headers().lastHeader("lora.error").value()).asString(StandardCharsets.UTF_8).isEqualTo("bad");
        }
    }

    @Test
    void uniqueTopicsAndBucketsDoNotCollide() throws Exception {
        String a = stack.createTopic("scratch", 3);
        String b = stack.createTopic("scratch", 3);
        assertThat(a).isNotEqualTo(b).startsWith("scratch-");
        assertThat(stack.admin().describeTopics(List.of(a)).allTopicNames().get(10, TimeUnit.SECONDS).get(a).partitions()).hasSize(3);

        String bucket = stack.createBucket("Scratch_Bucket");
        assertThat(bucket).startsWith("scratch-bucket-");
        byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
        stack.s3().putObject(PutObjectArgs.builder().bucket(bucket).object("k/v.txt")
                .stream(new ByteArrayInputStream(body), (long) body.length, -1L).build());
        try (InputStream in = stack.s3().getObject(GetObjectArgs.builder().bucket(bucket).object("k/v.txt").build())) {
            assertThat(in.readAllBytes()).isEqualTo(body);
        }
    }
}
