package org.lorapipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
    private static ConsumerRecord<byte[], byte[]> failed(RecordHeaders headers) {
        return new ConsumerRecord<>("dataset.submitted.v1", 3, 42L, 0L, TimestampType.CREATE_TIME, 5, 4,
                "run-1".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3, 4}, headers, Optional.empty());
    }

    @Test
    void keepsRawBytesAndAddsEveryHeader() {
        RecordHeaders in = new RecordHeaders();
        in.add("traceparent", "00-abc".getBytes(StandardCharsets.UTF_8));
        Exception error = new PoisonEventException("dataset.yaml line 3: lora_rank must be > 0");
        ProducerRecord<byte[], byte[]> out = DeadLetters.record(failed(in), "dataset.submitted.v1.dlq", error, "ingest-service", 1,
                Instant.parse("2026-01-02T03:04:05Z"));

        assertThat(out.topic()).isEqualTo("dataset.submitted.v1.dlq");
        assertThat(out.key()).isEqualTo("run-1".getBytes(StandardCharsets.UTF_8));
        assertThat(out.value()).containsExactly(1, 2, 3, 4);
        assertThat(DeadLetters.header(out.headers(), "traceparent")).isEqualTo("00-abc");
        assertThat(DeadLetters.header(out.headers(), DeadLetters.ERROR_CLASS)).isEqualTo(PoisonEventException.class.getName());
        assertThat(DeadLetters.header(out.headers(), DeadLetters.ERROR_MESSAGE)).isEqualTo("dataset.yaml line 3: lora_rank must be > 0");
        assertThat(DeadLetters.header(out.headers(), DeadLetters.ERROR_STACKTRACE))
                .startsWith(PoisonEventException.class.getName()).contains("DeadLettersTest.keepsRawBytesAndAddsEveryHeader");
        assertThat(DeadLetters.header(out.headers(), DeadLetters.ORIGINAL_TOPIC)).isEqualTo("dataset.submitted.v1");
        assertThat(DeadLetters.header(out.headers(), DeadLetters.ORIGINAL_PARTITION)).isEqualTo("3");
        assertThat(DeadLetters.header(out.headers(), DeadLetters.ORIGINAL_OFFSET)).isEqualTo("42");
        assertThat(DeadLetters.header(out.headers(), DeadLetters.FAILED_AT)).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(DeadLetters.header(out.headers(), DeadLetters.SERVICE)).isEqualTo("ingest-service");
        assertThat(DeadLetters.header(out.headers(), DeadLetters.ATTEMPTS)).isEqualTo("1");
    }

    @Test
    void aReplayedDeadLetterGetsFreshErrorHeadersNotTwoSets() {
        RecordHeaders in = new RecordHeaders();
        in.add(DeadLetters.ERROR_CLASS, "old.Error".getBytes(StandardCharsets.UTF_8));
        in.add(DeadLetters.ORIGINAL_OFFSET, "7".getBytes(StandardCharsets.UTF_8));
        ProducerRecord<byte[], byte[]> out = DeadLetters.record(failed(in), "t.dlq", new IllegalStateException("new"), "s", 5, Instant.EPOCH);
        assertThat(out.headers().headers(DeadLetters.ERROR_CLASS)).hasSize(1);
        assertThat(DeadLetters.header(out.headers(), DeadLetters.ERROR_CLASS)).isEqualTo("java.lang.IllegalStateException");
        assertThat(DeadLetters.header(out.headers(), DeadLetters.ORIGINAL_OFFSET)).isEqualTo("42");
    }

    @Test
    void longStackTracesAndMessagesAreTruncatedVisibly() {
        Throwable deep = new RuntimeException("x".repeat(10_000));
        for (int i = 0; i < 200; i++) {
            deep = new RuntimeException("level " + i, deep);
        }
        ProducerRecord<byte[], byte[]> out = DeadLetters.record(failed(new RecordHeaders()), "t.dlq", deep, "s", 5, Instant.EPOCH);
        String trace = DeadLetters.header(out.headers(), DeadLetters.ERROR_STACKTRACE);
        assertThat(trace).hasSizeLessThanOrEqualTo(DeadLetters.MAX_STACKTRACE_CHARS).contains("[truncated ");
        assertThat(DeadLetters.header(out.headers(), DeadLetters.ERROR_MESSAGE)).hasSizeLessThanOrEqualTo(DeadLetters.MAX_MESSAGE_CHARS);
        assertThat(DeadLetters.header(out.headers(), DeadLetters.ERROR_MESSAGE)).startsWith("level 199");
    }

    @Test
    void truncationNeverSplitsASurrogatePair() {
        String s = "a".repeat(9) + "\uD83D\uDE00" + "b".repeat(100); // emoji straddles the cut point
        String marker = "...[truncated " + (s.length() - 40) + " chars]";
        String cut = DeadLetters.truncate(s, 40);
        assertThat(cut).endsWith(marker);
        String kept = cut.substring(0, cut.length() - marker.length());
        assertThat(Character.isHighSurrogate(kept.charAt(kept.length() - 1))).isFalse();
        assertThat(DeadLetters.truncate("short", 40)).isEqualTo("short");
    }
}
