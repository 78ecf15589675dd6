package org.lorapipeline.runtime;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds the dead-letter record for an event that cannot be handled: the original key and value bytes untouched
 * (so the event can be replayed once fixed), the original headers, and {@code lora.*} headers saying what failed,
 * where and when.
 */
public final class DeadLetters {
    public static final String ERROR_CLASS = "lora.error.class";
    public static final String ERROR_MESSAGE = "lora.error.message";
    public static final String ERROR_STACKTRACE = "lora.error.stacktrace";
    public static final String ORIGINAL_TOPIC = "lora.original.topic";
    public static final String ORIGINAL_PARTITION = "lora.original.partition";
    public static final String ORIGINAL_OFFSET = "lora.original.offset";
    public static final String FAILED_AT = "lora.failed.at";
    public static final String SERVICE = "lora.service";
    public static final String ATTEMPTS = "lora.attempts";

    /** Header values are bounded so a deep stack cannot push the record past the broker's size limit. */
    static final int MAX_MESSAGE_CHARS = 2_000;
    static final int MAX_STACKTRACE_CHARS = 8_000;

    private DeadLetters() {}

    public static ProducerRecord<byte[], byte[]> record(ConsumerRecord<byte[], byte[]> failed, String dlqTopic, Throwable error,
                                                       String serviceName, int attempts, Instant failedAt) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : failed.headers()) {
            if (!h.key().startsWith("lora.error.") && !h.key().startsWith("lora.original.") && !h.key().equals(FAILED_AT)
                    && !h.key().equals(SERVICE) && !h.key().equals(ATTEMPTS)) {
                headers.add(h);
            }
        }
        put(headers, ERROR_CLASS, error.getClass().getName());
        put(headers, ERROR_MESSAGE, truncate(String.valueOf(error.getMessage()), MAX_MESSAGE_CHARS));
        put(headers, ERROR_STACKTRACE, truncate(stackTrace(error), MAX_STACKTRACE_CHARS));
        put(headers, ORIGINAL_TOPIC, failed.topic());
        put(headers, ORIGINAL_PARTITION, Integer.toString(failed.partition()));
        put(headers, ORIGINAL_OFFSET, Long.toString(failed.offset()));
        put(headers, FAILED_AT, failedAt.toString());
        put(headers, SERVICE, serviceName);
        put(headers, ATTEMPTS, Integer.toString(attempts));
        return new ProducerRecord<>(dlqTopic, null, null, failed.key(), failed.value(), headers);
    }

    /** Cuts at {@code max} characters, marking the cut, without splitting a surrogate pair. */
    static String truncate(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        String marker = "...[truncated " + (s.length() - max) + " chars]";
        int end = Math.max(0, max - marker.length());
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + marker;
    }

    static String stackTrace(Throwable t) {
        StringWriter sw = new StringWriter();
        t.printStackTrace(new PrintWriter(sw));
        return sw.toString();
    }

    public static String header(org.apache.kafka.common.header.Headers headers, String key) {
        Header h = headers.lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void put(RecordHeaders headers, String key, String value) {
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
