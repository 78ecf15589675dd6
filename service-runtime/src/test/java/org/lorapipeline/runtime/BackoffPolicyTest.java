package org.lorapipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffPolicyTest {
    private final BackoffPolicy policy = new BackoffPolicy(Duration.ofMillis(500), Duration.ofSeconds(30), 2.0, 0.5);

    @Test
    void baseDelayDoublesFromInitialUntilTheCap() {
        // 500 * 2^(n-1): 500, 1000, 2000, 4000, 8000, 16000, then 32000 capped to 30000
        long[] expected = {500, 1000, 2000, 4000, 8000, 16000, 30000, 30000};
        for (int attempt = 1; attempt <= expected.length; attempt++) {
            assertThat(policy.baseDelay(attempt).toMillis()).as("attempt %d", attempt).isEqualTo(expected[attempt - 1]);
        }
    }

    @Test
    void hugeAttemptNumbersStayAtTheCap() {
        assertThat(policy.baseDelay(10_000)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void jitterTakesUpToItsShareOffTheBase() {
        // attempt 3: base 2000; jitter 0.5 removes 0.5 * 2000 * u
        assertThat(policy.delay(3, () -> 0.0).toMillis()).isEqualTo(2000);
        assertThat(policy.delay(3, () -> 0.5).toMillis()).isEqualTo(1500);
        assertThat(policy.delay(3, () -> 0.999).toMillis()).isEqualTo(1001);
        BackoffPolicy full = new BackoffPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), 3.0, 1.0);
        // attempt 2: base 300; full jitter u=0.25 -> 225
        assertThat(full.delay(2, () -> 0.25).toMillis()).isEqualTo(225);
        BackoffPolicy none = new BackoffPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), 3.0, 0.0);
        assertThat(none.delay(2, () -> 0.9).toMillis()).isEqualTo(300);
    }

    @Test
    void rejectsNonsenseNamingTheField() {
        assertThatThrownBy(() -> new BackoffPolicy(Duration.ZERO, Duration.ofSeconds(1), 2, 0.5)).hasMessageContaining("initial");
        assertThatThrownBy(() -> new BackoffPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 0.5)).hasMessageContaining("max");
        assertThatThrownBy(() -> new BackoffPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 0.5, 0.5)).hasMessageContaining("multiplier");
        assertThatThrownBy(() -> new BackoffPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 2, 1.5)).hasMessageContaining("jitter");
        assertThatThrownBy(() -> policy.baseDelay(0)).hasMessageContaining("1-based");
        assertThatThrownBy(() -> policy.delay(1, () -> 1.0)).hasMessageContaining("random");
    }
}
