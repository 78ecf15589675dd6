package org.lorapipeline.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.lorapipeline.core.config.ConfigException;
import org.lorapipeline.core.run.LoraRun;
import org.lorapipeline.core.run.SdLoraRun;
import org.lorapipeline.core.run.RunResult;
import org.lorapipeline.core.run.TrainingDivergedException;
import org.lorapipeline.events.ObjectRef;
import org.lorapipeline.events.TrainingFailed;
import org.lorapipeline.events.TrainingFinished;
import org.lorapipeline.events.TrainingRequested;
import org.lorapipeline.runtime.EventAbandonedException;
import org.lorapipeline.runtime.EventContext;
import org.lorapipeline.runtime.EventHandler;
import org.lorapipeline.runtime.ModelCache;
import org.lorapipeline.runtime.ObjectStore;
import org.lorapipeline.runtime.ObjectStoreException;
import org.lorapipeline.runtime.ObjectTree;
import org.lorapipeline.runtime.PoisonEventException;
import org.lorapipeline.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's job handler: trains one run from {@code training.requested} to {@code training.finished} or
 * {@code training.failed}. The consumer loop runs it on its worker thread with the partitions paused and keeps
 * polling, so a run of hours keeps the worker in its group, and the job's offset is committed only when this returns.
 *
 * <ul>
 *   <li>Already ended (outcome recorded) → the recorded final event is sent again, nothing is trained.</li>
 *   <li>Claims the next lease epoch; a cancel recorded before the start fails the run as cancelled.</li>
 *   <li>Resumes from the newest complete checkpoint in S3, so a job redelivered after a crash continues where the
 *       crashed worker's last upload left it.</li>
 *   <li>A user's cancel → checkpoint, {@code training.failed} reason {@code cancelled}, committed. A shutdown
 *       (SIGTERM) → checkpoint, then {@link EventAbandonedException}: not committed, the next owner resumes.</li>
 *   <li>Problems the user must fix (config, data, a checksum mismatch, a diverged run) → {@code training.failed}
 *       with the reason, committed: a poison job is not retried forever. Anything else is retried by the loop.</li>
 * </ul>
 */
final class TrainHandler implements EventHandler<TrainingRequested> {
    private static final Logger log = LoggerFactory.getLogger(TrainHandler.class);
    private static final long MARKER_CHECK_NANOS = 3_000_000_000L;

    private final ObjectStore store;
    private final ModelCache models;
    private final TrainSettings settings;
    private final CancelWatch cancels;

    TrainHandler(ObjectStore store, TrainSettings settings, CancelWatch cancels) {
        this.store = store;
        this.models = new ModelCache(store, settings.modelCache());
        this.settings = settings;
        this.cancels = cancels;
    }

    @Override
    public void handle(TrainingRequested job, EventContext ctx) throws Exception {
        String runId = job.getRunId();
        if (RunOutcome.resend(store, runId, ctx)) {
            log.info("run {} has already ended; sent its final event again instead of training", runId);
            return;
        }
        RunLease lease = RunLease.claim(store, runId, ctx.workerId());
        if (store.exists(RunKeys.cancelMarker(runId))) {
            fail(ctx, lease, "cancelled", "cancelled before training started", latestCheckpoint(runId));
            return;
        }
        Path dir = settings.workDir().resolve(runId + "-" + lease.epoch());
        try {
            train(job, ctx, lease, dir);
        } catch (RunLease.FencedException e) {
            log.warn("{}; stopping quietly, the newer worker owns the run", e.getMessage());
        } catch (TrainingDivergedException e) {
            fail(ctx, lease, "non_finite", e.getMessage(), latestCheckpoint(runId));
        } catch (ConfigException | PoisonEventException | IllegalArgumentException e) {
            fail(ctx, lease, "bad_input", e.getMessage(), latestCheckpoint(runId));
        } catch (ObjectStoreException e) {
            if (e.retryable()) {
                throw e;
            }
            // a checksum mismatch or a missing object: the bytes in S3 are not what the run was submitted with
            fail(ctx, lease, "bad_input", e.getMessage(), latestCheckpoint(runId));
        } finally {
            deleteTree(dir);
        }
    }

    private void train(TrainingRequested job, EventContext ctx, RunLease lease, Path dir) throws IOException {
        RunWorkspace ws = RunWorkspace.prepare(store, models, job, dir);
        WorkerDevice device = WorkerDevice.probe(ws.config().runtime().device().yamlName());
        RunContext run = new RunContext(ctx, lease, device.name(), device.freeMemoryBytes(),
                ws.config().output().saveTotalLimit());
        long[] lastMarkerCheck = {System.nanoTime()};
        RunReporter reporter = new RunReporter(run, store, settings, ws.outputDir(), r -> {
            if (System.nanoTime() - lastMarkerCheck[0] > MARKER_CHECK_NANOS) {
                lastMarkerCheck[0] = System.nanoTime();
                if (store.exists(RunKeys.cancelMarker(r.runId()))) {
                    r.stop(RunContext.Stop.CANCELLED);
                }
            }
            if (ctx.shutdownRequested()) {
                r.stop(RunContext.Stop.SHUTDOWN);
            }
            if (Thread.currentThread().isInterrupted()) {
                r.stop(RunContext.Stop.INTERRUPTED);
            }
        });
        cancels.register(run);
        boolean sharedLatents = ws.config().image() != null && ws.config().image().cacheLatents();
        Path latentCache = ws.outputDir().resolve(SdLoraRun.LATENT_CACHE_DIR);
        if (sharedLatents) {
            LatentSync.restore(store, LatentSync.PREFIX, latentCache, ws.imageSha256s());
        }
        RunResult result;
        try {
            result = LoraRun.run(ws.config(), dir, reporter, run.flag());
        } finally {
            cancels.unregister(run);
            if (sharedLatents) {
                try { // the cache is filled before step 1, so even a stopped run shares it
                    LatentSync.save(store, LatentSync.PREFIX, latentCache);
                } catch (RuntimeException e) {
                    log.warn("run {}: latent cache not shared ({}); the next run encodes again", job.getRunId(),
                            e.getMessage());
                }
            }
        }
        reporter.uploadLogs();
        if (result.status() == RunResult.Status.COMPLETED) {
            finish(job, run, ws, result);
            return;
        }
        switch (run.stopReason()) {
            case CANCELLED -> fail(ctx, lease, "cancelled", "cancelled at step " + result.steps() + "; resume from "
                    + (reporter.lastCheckpoint() == null ? "step 0" : reporter.lastCheckpoint().getKey()),
                    reporter.lastCheckpoint());
            case SHUTDOWN -> throw new EventAbandonedException("run " + job.getRunId() + " stopped at step "
                    + result.steps() + " for the shutdown; checkpoint uploaded, the next worker resumes it");
            default -> log.warn("run {}: handler interrupted at step {} (partition revoked); the new owner resumes it",
                    job.getRunId(), result.steps());
        }
    }

    private void finish(TrainingRequested job, RunContext run, RunWorkspace ws, RunResult result) throws IOException {
        run.lease().check("publishing training.finished");
        String format = JobRoute.canonicalFormat(ws.submitted()).yamlName();
        Path stage = AdapterFiles.stage(result, format, ws.config().model().baseModel(), ws.baseModel(),
                ws.dir().resolve("adapter"));
        ObjectRef adapter = ObjectTree.upload(store, stage, RunKeys.adapter(job.getRunId()));
        TrainingFinished finished = TrainingFinished.newBuilder().setEventId(run.outcomeEventId())
                .setRunId(job.getRunId()).setOccurredAt(Instant.now()).setWorkerId(run.workerId())
                .setAttempt(run.lease().epoch()).setSteps(result.steps()).setFinalLoss(finalLoss(result.losses()))
                .setModelType(job.getModelType()).setAdapter(adapter).setConfig(job.getConfig())
                .setExportFormats(job.getExportFormats()).build();
        RunOutcome.record(store, job.getRunId(), finished);
        run.publish(Topics.TRAINING_FINISHED, finished);
        log.info("run {} finished after {} steps; adapter at {}", job.getRunId(), result.steps(), adapter.getKey());
    }

    private void fail(EventContext ctx, RunLease lease, String reason, String message, ObjectRef checkpoint) {
        lease.check("publishing training.failed");
        TrainingFailed failed = TrainingFailed.newBuilder().setEventId(RunContext.outcomeEventId(ctx))
                .setRunId(ctx.runId()).setOccurredAt(Instant.now()).setWorkerId(ctx.workerId())
                .setAttempt(lease.epoch()).setReason(reason).setMessage(message).setLastCheckpoint(checkpoint).build();
        RunOutcome.record(store, ctx.runId(), failed);
        ctx.publish(Topics.TRAINING_FAILED, failed);
        log.info("run {} failed ({}): {}", ctx.runId(), reason, message);
    }

    private ObjectRef latestCheckpoint(String runId) {
        return RunWorkspace.latestCheckpoint(store, runId).map(RunWorkspace.Checkpoint::index).orElse(null);
    }

    /** The last finite loss of the session, NaN when there is none (a run resumed at its last step). */
    static double finalLoss(List<Double> losses) {
        for (int i = losses.size() - 1; i >= 0; i--) {
            if (Double.isFinite(losses.get(i))) {
                return losses.get(i);
            }
        }
        return Double.NaN;
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("could not delete the work folder {}: {}", dir, e.getMessage());
        }
    }
}
