package org.lorapipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class ErrorClassifierTest {
    @Test
    void permanentErrorsAreNotRetried() {
        assertThat(ErrorClassifier.isRetryable(new PoisonEventException("bad"))).isFalse();
        assertThat(ErrorClassifier.isRetryable(new SerializationException("garbage"))).isFalse();
        assertThat(ErrorClassifier.isRetryable(new IllegalArgumentException("lora_rank must be > 0"))).isFalse();
        assertThat(ErrorClassifier.isRetryable(new ChecksumMismatchException("b", "k", "a".repeat(64), "b".repeat(64), null))).isFalse();
        assertThat(ErrorClassifier.isRetryable(new ObjectStoreException("NoSuchKey", false, null))).isFalse();
        assertThat(ErrorClassifier.isRetryable(new PublishException("x", new RecordTooLargeException("big")))).isFalse();
    }

    @Test
    void transientErrorsAndUnknownOnesAreRetried() {
        assertThat(ErrorClassifier.isRetryable(new ObjectStoreException("connection refused", true, null))).isTrue();
        assertThat(ErrorClassifier.isRetryable(new PublishException("x", new NotLeaderOrFollowerException("moved")))).isTrue();
        assertThat(ErrorClassifier.isRetryable(new UncheckedIOException(new IOException("reset")))).isTrue();
        assertThat(ErrorClassifier.isRetryable(new IllegalStateException("who knows"))).isTrue();
    }

    @Test
    void wrappersAreLookedThrough() {
        assertThat(ErrorClassifier.isRetryable(new ExecutionException(new PoisonEventException("bad")))).isFalse();
        assertThat(ErrorClassifier.isRetryable(new RuntimeException("handler", new PoisonEventException("bad")))).isFalse();
        assertThat(ErrorClassifier.deadLetterReason(new PoisonEventException("bad"))).isEqualTo("poison");
        assertThat(ErrorClassifier.deadLetterReason(new IllegalStateException("x"))).isEqualTo("exhausted");
    }
}
