package org.lorapipeline.runtime;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Processed-event markers as S3 objects {@code processed/<service>/<eventId>}.
 *
 * <p>Why S3: every service already depends on it, a marker survives restarts and is shared by every instance of
 * the consumer group, and the cost (one HEAD per event, one small PUT per handled event) is nothing next to what
 * our handlers do (upload datasets, train). A compacted Kafka topic would need its own consumer and a catch-up
 * phase at start; an in-process store would forget on restart. Markers can be expired with a bucket lifecycle rule
 * on the {@code processed/} prefix once events are older than the topics' retention.
 */
public final class S3ProcessedEvents implements ProcessedEvents {
    public static final String PREFIX = "processed/";
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    private final ObjectStore store;
    private final String serviceName;

    public S3ProcessedEvents(ObjectStore store, String serviceName) {
        this.store = store;
        this.serviceName = serviceName;
    }

    public String markerKey(String eventId) {
        // ids are UUIDs in practice; anything else is hashed so it can never escape the prefix
        String safe = SAFE_ID.matcher(eventId).matches() && !eventId.startsWith(".") ? eventId
                : "sha256-" + Sha256.of(eventId.getBytes(StandardCharsets.UTF_8));
        return PREFIX + serviceName + "/" + safe;
    }

    @Override
    public boolean isProcessed(String eventId) {
        return store.exists(markerKey(eventId));
    }

    @Override
    public void markProcessed(String eventId, String description) {
        store.putBytes(markerKey(eventId), description.getBytes(StandardCharsets.UTF_8), "application/json");
    }
}
