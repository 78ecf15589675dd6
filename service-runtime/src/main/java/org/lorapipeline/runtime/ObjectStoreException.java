package org.lorapipeline.runtime;

/**
 * An S3 operation failed. {@link #retryable()} tells the consumer loop whether trying again can help
 * (network trouble, throttling, 5xx) or not (missing object, access denied, corrupt data).
 */
public class ObjectStoreException extends RuntimeException {
    private final boolean retryable;

    public ObjectStoreException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
