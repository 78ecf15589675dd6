package org.lorapipeline.runtime;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecordBase;

/** Helpers for the fields every event has: {@code eventId}, {@code runId}, {@code occurredAt}. */
public final class Events {
    private Events() {}

    /** A fresh random id for an event that starts a chain (a CLI submission, a timer). */
    public static String newEventId() {
        return UUID.randomUUID().toString();
    }

    /**
     * A follow-up event's id derived from the event that caused it: a redelivered input produces the same follow-up
     * ids, so downstream consumers recognise the repeats as duplicates.
     */
    public static String derivedEventId(String causeEventId, String discriminator) {
        return UUID.nameUUIDFromBytes((causeEventId + "|" + discriminator).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Now, at the millisecond precision of Avro's timestamp-millis. */
    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    public static String eventId(SpecificRecordBase event) {
        return stringField(event, "eventId");
    }

    public static String runId(SpecificRecordBase event) {
        return stringField(event, "runId");
    }

    private static String stringField(SpecificRecordBase event, String field) {
        if (event.getSchema().getField(field) == null) {
            throw new IllegalArgumentException(event.getSchema().getFullName() + " has no " + field + " field; every pipeline event needs one");
        }
        Object v = event.get(field);
        return v == null ? null : v.toString();
    }
}
