package org.lorapipeline.runtime;

import java.time.Instant;
import org.lorapipeline.events.TrainingCancelRequested;
import org.lorapipeline.events.TrainingFailed;

/** Small real events for the loop tests: a cancel request in, a failure notice out. */
final class TestEvents {
    private TestEvents() {}

    static TrainingCancelRequested cancel(String eventId, String runId) {
        return TrainingCancelRequested.newBuilder().setEventId(eventId).setRunId(runId)
                .setOccurredAt(Instant.parse("2026-01-01T00:00:00Z")).setRequestedBy("tester").setReason("test").build();
    }

    static TrainingFailed failed(String eventId, String runId) {
        return TrainingFailed.newBuilder().setEventId(eventId).setRunId(runId).setOccurredAt(Instant.parse("2026-01-01T00:00:01Z"))
                .setWorkerId("w").setAttempt(1).setReason("cancelled").setMessage("cancelled by tester").setLastCheckpoint(null).build();
    }
}
