package org.lorapipeline.runtime;

/**
 * The event itself is wrong (invalid content, references that cannot exist, a contract violation): retrying cannot
 * help, so the consumer loop sends it straight to the topic's dead-letter twin and moves on.
 */
public class PoisonEventException extends RuntimeException {
    public PoisonEventException(String message) {
        super(message);
    }

    public PoisonEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
