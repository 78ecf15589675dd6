package org.lorapipeline.runtime;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: attempt {@code n} (1-based, the attempt that just failed) waits
 * {@code base = min(max, initial * multiplier^(n-1))}, reduced by a random share of up to {@code jitter * base}.
 * Jitter spreads the retries of many workers hit by the same outage; {@code jitter = 1} is AWS "full jitter".
 */
public record BackoffPolicy(Duration initial, Duration max, double multiplier, double jitter) {

    public static final BackoffPolicy DEFAULT = new BackoffPolicy(Duration.ofMillis(500), Duration.ofSeconds(30), 2.0, 0.5);

    public BackoffPolicy {
        if (initial == null || initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("backoff initial must be positive, got " + initial);
        }
        if (max == null || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff max must be >= initial (" + initial + "), got " + max);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("backoff multiplier must be >= 1, got " + multiplier);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("backoff jitter must be within [0, 1], got " + jitter);
        }
    }

    /** The delay before retrying after failed attempt {@code attempt}, without jitter. */
    public Duration baseDelay(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt is 1-based, got " + attempt);
        }
        double millis = initial.toMillis() * Math.pow(multiplier, attempt - 1);
        // pow overflows to Infinity for large attempts; min() keeps the cap exact
        return Duration.ofMillis((long) Math.min(max.toMillis(), millis));
    }

    /** The jittered delay; {@code random} returns values in [0, 1). */
    public Duration delay(int attempt, DoubleSupplier random) {
        long base = baseDelay(attempt).toMillis();
        double u = random.getAsDouble();
        if (!(u >= 0.0 && u < 1.0)) {
            throw new IllegalArgumentException("random must be in [0, 1), got " + u);
        }
        return Duration.ofMillis(Math.round(base - base * jitter * u));
    }
}
