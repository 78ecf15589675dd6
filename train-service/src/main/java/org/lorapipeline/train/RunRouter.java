package org.lorapipeline.train;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.lorapipeline.core.config.ConfigException;
import org.lorapipeline.core.config.RunConfig;
import org.lorapipeline.events.CaptionsReady;
import org.lorapipeline.events.ObjectRef;
import org.lorapipeline.events.TrainingCancelRequested;
import org.lorapipeline.events.TrainingFailed;
import org.lorapipeline.events.TrainingRequested;
import org.lorapipeline.runtime.ChecksumMismatchException;
import org.lorapipeline.runtime.EventContext;
import org.lorapipeline.runtime.ObjectStore;
import org.lorapipeline.schemas.TopicSpec;
import org.lorapipeline.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code captions.ready} → {@code training.requested} (or the GPU queue), one job per run. Copies the config to
 * {@code runs/<runId>/config.yaml} and records the request in {@code runs/<runId>/request.json}: a second
 * {@code captions.ready} for the same run (a re-submitted dataset, a replayed topic) finds the record and adds no
 * job, while a redelivery of the same event re-sends the same job (same event id), so a crash between the record and
 * the send loses nothing. Also records cancels in {@code runs/<runId>/cancel-requested} for runs no worker holds yet.
 */
final class RunRouter {
    private static final Logger log = LoggerFactory.getLogger(RunRouter.class);

    private final ObjectStore store;
    private final TrainSettings settings;

    RunRouter(ObjectStore store, TrainSettings settings) {
        this.store = store;
        this.settings = settings;
    }

    void route(CaptionsReady event, EventContext ctx) {
        String runId = event.getRunId();
        String jobId = ctx.newEventId();
        Optional<ObjectRef> existing = store.stat(RunKeys.request(runId));
        if (existing.isPresent()) {
            String recorded = RunJson.read(store.getBytes(existing.get()), RunKeys.request(runId)).path("trainingRequestedEventId").asText();
            if (!recorded.equals(jobId)) {
                log.info("run {} already has training request {}; captions.ready {} adds no second job", runId,
                        recorded, event.getEventId());
                return;
            }
        }
        byte[] yaml;
        RunConfig config;
        try {
            yaml = store.getBytes(event.getConfig());
            config = RunConfig.parse(new String(yaml, StandardCharsets.UTF_8), event.getConfig().getKey());
        } catch (ConfigException | ChecksumMismatchException | IllegalArgumentException e) {
            ctx.publish(Topics.TRAINING_FAILED, failed(ctx, runId, "bad_input", "the run config "
                    + event.getConfig().getKey() + " cannot be used: " + e.getMessage()));
            return;
        }
        JobRoute route = JobRoute.of(config);
        ObjectRef configRef = store.putBytes(RunKeys.config(runId), yaml, "application/yaml");
        store.putBytes(RunKeys.request(runId), RunJson.write(Map.of("runId", runId, "captionsReadyEventId",
                event.getEventId(), "trainingRequestedEventId", jobId, "modelType", route.modelType(),
                "requiresGpu", route.requiresGpu())), "application/json");
        TopicSpec<TrainingRequested> queue = route.requiresGpu() ? settings.gpuQueue() : settings.cpuQueue();
        ctx.publish(queue, TrainingRequested.newBuilder().setEventId(jobId).setRunId(runId).setOccurredAt(Instant.now())
                .setDatasetId(event.getDatasetId()).setManifest(event.getManifest()).setConfig(configRef)
                .setModelType(route.modelType()).setRequiresGpu(route.requiresGpu())
                .setExportFormats(route.exportFormats()).build());
        log.info("run {}: {} job queued on {}", runId, route.modelType(), queue.name());
    }

    /** Leaves the marker a worker checks before it starts a run and while it trains. */
    void recordCancel(TrainingCancelRequested event, EventContext ctx) {
        String who = event.getRequestedBy() == null ? "unknown" : event.getRequestedBy();
        store.putBytes(RunKeys.cancelMarker(event.getRunId()), RunJson.write(Map.of("eventId", event.getEventId(),
                "requestedBy", who, "reason", event.getReason() == null ? "" : event.getReason())), "application/json");
        log.info("run {}: cancel requested by {}", event.getRunId(), who);
    }

    static TrainingFailed failed(EventContext ctx, String runId, String reason, String message) {
        return TrainingFailed.newBuilder().setEventId(ctx.newEventId()).setRunId(runId).setOccurredAt(Instant.now())
                .setWorkerId(ctx.workerId()).setAttempt(0).setReason(reason).setMessage(message).setLastCheckpoint(null)
                .build();
    }
}
