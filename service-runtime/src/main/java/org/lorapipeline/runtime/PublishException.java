package org.lorapipeline.runtime;

/** An event could not be written to Kafka; the cause is the producer's error (retryable or not). */
public final class PublishException extends RuntimeException {
    public PublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
