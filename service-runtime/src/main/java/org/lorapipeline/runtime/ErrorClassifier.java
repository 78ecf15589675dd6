package org.lorapipeline.runtime;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.avro.AvroRuntimeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Decides whether a failed handler attempt is worth repeating. Like Spring Kafka's default error handler, anything
 * not known to be permanent is retried (bounded by the attempt limit): a bug costs a few retries, while treating
 * an outage as permanent would dead-letter good events.
 */
public final class ErrorClassifier {
    private ErrorClassifier() {}

    public static boolean isRetryable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ExecutionException || t instanceof CompletionException || t instanceof PublishException) {
                continue; // wrappers: the cause decides
            }
            if (t instanceof PoisonEventException || t instanceof SerializationException || t instanceof AvroRuntimeException
                    || t instanceof IllegalArgumentException || t instanceof ClassCastException || t instanceof ConfigException) {
                return false;
            }
            if (t instanceof ObjectStoreException os) {
                return os.retryable();
            }
            if (t instanceof RetriableException) {
                return true;
            }
            if (t instanceof KafkaException) {
                return false; // authorization, record too large, invalid topic: a retry gets the same answer
            }
        }
        return true;
    }

    /** A short reason for metrics and logs: {@code poison} for non-retryable errors, else {@code exhausted}. */
    public static String deadLetterReason(Throwable error) {
        return isRetryable(error) ? "exhausted" : "poison";
    }
}
