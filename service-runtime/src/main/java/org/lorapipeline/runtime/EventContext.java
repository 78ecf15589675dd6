package org.lorapipeline.runtime;

import org.apache.avro.specific.SpecificRecordBase;
import org.lorapipeline.schemas.TopicSpec;

/** What a handler knows about the event it is handling, and how it emits follow-ups. */
public interface EventContext {
    String topic();

    int partition();

    long offset();

    /** 1 for the first try, then 2, 3 ... up to the configured maximum. */
    int attempt();

    String eventId();

    String runId();

    String serviceName();

    String workerId();

    /**
     * Sends a follow-up event. The loop waits for every follow-up to be acknowledged (acks=all) before it commits
     * the input event, so a crash never loses a follow-up of a committed event.
     */
    <E extends SpecificRecordBase> void publish(TopicSpec<E> topic, E event);

    /**
     * An id for the next follow-up event, derived from this event's id and a counter: a redelivery of the same
     * input produces the same ids in the same order, so downstream de-duplication sees the repeats.
     */
    String newEventId();

    /** True once the service is stopping; long handlers should save their progress and throw {@link EventAbandonedException}. */
    boolean shutdownRequested();
}
