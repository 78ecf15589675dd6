package org.lorapipeline.train;

import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecordBase;
import org.lorapipeline.core.run.CancelFlag;
import org.lorapipeline.runtime.EventContext;
import org.lorapipeline.runtime.Events;
import org.lorapipeline.schemas.TopicSpec;

/**
 * One worker's hold on one run: the lease, the device, the cancel flag and why it was set, and the ids of the
 * events it sends.
 *
 * <p>Event ids: progress, checkpoint and start events get ids derived from the job's event id, the lease epoch and a
 * counter, so a resumed attempt never reuses an id of the attempt before it (consumers that de-duplicate by id would
 * drop its events). The run's final event gets one id per job ({@link #outcomeEventId()}), whichever attempt sends
 * it, so a consumer that de-duplicates by id sees {@code training.finished} once even when a crash makes a worker
 * send it again.
 */
final class RunContext {
    /** Why the cancel flag was set. */
    enum Stop { NONE, CANCELLED, SHUTDOWN, INTERRUPTED }

    private final EventContext ctx;
    private final RunLease lease;
    private final String device;
    private final Long freeMemoryBytes;
    private final int saveTotalLimit;
    private final CancelFlag flag = new CancelFlag();
    private final AtomicReference<Stop> stop = new AtomicReference<>(Stop.NONE);
    private int events;

    RunContext(EventContext ctx, RunLease lease, String device, Long freeMemoryBytes, int saveTotalLimit) {
        this.ctx = ctx;
        this.lease = lease;
        this.device = device;
        this.freeMemoryBytes = freeMemoryBytes;
        this.saveTotalLimit = saveTotalLimit;
    }

    String runId() {
        return ctx.runId();
    }

    String workerId() {
        return ctx.workerId();
    }

    RunLease lease() {
        return lease;
    }

    String device() {
        return device;
    }

    Long freeMemoryBytes() {
        return freeMemoryBytes;
    }

    int saveTotalLimit() {
        return saveTotalLimit;
    }

    CancelFlag flag() {
        return flag;
    }

    /** Sets the cancel flag; the first reason sticks (a user's cancel is not turned into a shutdown later). */
    void stop(Stop why) {
        if (stop.compareAndSet(Stop.NONE, why)) {
            flag.cancel();
        }
    }

    Stop stopReason() {
        return stop.get();
    }

    synchronized String nextEventId() {
        return Events.derivedEventId(ctx.eventId(), "train-attempt-" + lease.epoch() + "#" + events++);
    }

    String outcomeEventId() {
        return outcomeEventId(ctx);
    }

    static String outcomeEventId(EventContext ctx) {
        return Events.derivedEventId(ctx.eventId(), "train-outcome");
    }

    <E extends SpecificRecordBase> void publish(TopicSpec<E> topic, E event) {
        ctx.publish(topic, event);
    }
}
