package org.lorapipeline.train;

import java.util.Optional;
import org.apache.avro.specific.SpecificRecordBase;
import org.lorapipeline.events.TrainingFailed;
import org.lorapipeline.events.TrainingFinished;
import org.lorapipeline.runtime.EventContext;
import org.lorapipeline.runtime.ObjectStore;
import org.lorapipeline.schemas.Topics;

/**
 * A run's final event, kept in {@code runs/<runId>/outcome.avro} (the event's own Avro encoding) before it is sent.
 * A job delivered again after its run ended (a crash before the offset commit, a replayed queue) re-sends that
 * same event, same id, instead of training again: consumers that de-duplicate by event id see it once, and a crash
 * between writing the outcome and sending it loses nothing.
 */
final class RunOutcome {
    private RunOutcome() {}

    static void record(ObjectStore store, String runId, SpecificRecordBase event) {
        byte[] bytes = event instanceof TrainingFinished f ? Topics.TRAINING_FINISHED.valueSerde().encode(f)
                : Topics.TRAINING_FAILED.valueSerde().encode((TrainingFailed) event);
        store.putBytes(RunKeys.outcome(runId), bytes, "application/avro");
    }

    /** Sends the final event already recorded for the run, if there is one; true when it did. */
    static boolean resend(ObjectStore store, String runId, EventContext ctx) {
        Optional<byte[]> bytes = store.stat(RunKeys.outcome(runId)).map(store::getBytes);
        if (bytes.isEmpty()) {
            return false;
        }
        try {
            ctx.publish(Topics.TRAINING_FINISHED, Topics.TRAINING_FINISHED.valueSerde().decode(bytes.get()));
        } catch (RuntimeException notFinished) {
            ctx.publish(Topics.TRAINING_FAILED, Topics.TRAINING_FAILED.valueSerde().decode(bytes.get()));
        }
        return true;
    }
}
