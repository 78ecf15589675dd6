package org.lorapipeline.runtime;

import org.apache.avro.specific.SpecificRecordBase;

/**
 * What a service does with one event. Throw {@link PoisonEventException} for events that can never succeed; any
 * other exception is retried with backoff (see {@link ErrorClassifier}) and dead-lettered when attempts run out.
 * Handlers may run more than once for the same event (at-least-once), so their writes should be idempotent:
 * deterministic S3 keys, follow-up ids from {@link EventContext#newEventId()}.
 */
@FunctionalInterface
public interface EventHandler<V extends SpecificRecordBase> {
    void handle(V event, EventContext ctx) throws Exception;
}
