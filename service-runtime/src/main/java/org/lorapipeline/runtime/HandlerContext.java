package org.lorapipeline.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.lorapipeline.schemas.TopicSpec;

/** The {@link EventContext} of one attempt; collects follow-up sends so the loop can wait for them before committing. */
final class HandlerContext implements EventContext {
    private final ConsumerRecord<byte[], byte[]> record;
    private final int attempt;
    private final String eventId;
    private final String runId;
    private final EventLoop.Settings settings;
    private final EventPublisher publisher;
    private final BooleanSupplier stopping;
    private final List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
    private int derivedIds;

    HandlerContext(ConsumerRecord<byte[], byte[]> record, int attempt, String eventId, String runId, EventLoop.Settings settings,
                   EventPublisher publisher, BooleanSupplier stopping) {
        this.record = record;
        this.attempt = attempt;
        this.eventId = eventId;
        this.runId = runId;
        this.settings = settings;
        this.publisher = publisher;
        this.stopping = stopping;
    }

    @Override
    public String topic() {
        return record.topic();
    }

    @Override
    public int partition() {
        return record.partition();
    }

    @Override
    public long offset() {
        return record.offset();
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public String eventId() {
        return eventId;
    }

    @Override
    public String runId() {
        return runId;
    }

    @Override
    public String serviceName() {
        return settings.serviceName();
    }

    @Override
    public String workerId() {
        return settings.workerId();
    }

    @Override
    public synchronized <E extends SpecificRecordBase> void publish(TopicSpec<E> topic, E event) {
        sends.add(publisher.publishAsync(topic, event, eventId));
    }

    @Override
    public synchronized String newEventId() {
        return Events.derivedEventId(eventId, settings.serviceName() + "#" + derivedIds++);
    }

    @Override
    public boolean shutdownRequested() {
        return stopping.getAsBoolean();
    }

    /** Blocks until every follow-up is acknowledged; throws the first send failure. */
    void awaitFollowUps() {
        List<CompletableFuture<RecordMetadata>> copy;
        synchronized (this) {
            copy = List.copyOf(sends);
        }
        for (CompletableFuture<RecordMetadata> f : copy) {
            publisher.await(f, "follow-up topic");
        }
    }
}
