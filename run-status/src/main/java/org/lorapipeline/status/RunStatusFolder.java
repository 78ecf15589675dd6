package org.lorapipeline.status;

import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.lorapipeline.events.CaptionsReady;
import org.lorapipeline.events.CaptionsRequested;
import org.lorapipeline.events.CheckpointSaved;
import org.lorapipeline.events.DatasetRegistered;
import org.lorapipeline.events.DatasetRejected;
import org.lorapipeline.events.DatasetSubmitted;
import org.lorapipeline.events.ModelExported;
import org.lorapipeline.events.Problem;
import org.lorapipeline.events.TrainingCancelRequested;
import org.lorapipeline.events.TrainingFailed;
import org.lorapipeline.events.TrainingFinished;
import org.lorapipeline.events.TrainingProgressed;
import org.lorapipeline.events.TrainingRequested;
import org.lorapipeline.events.TrainingStarted;

/** Applies one event to a run's status. Pure: the topology and the tests call the same code. */
public final class RunStatusFolder {
    private static final int MAX_PROBLEMS = 50;

    private RunStatusFolder() {}

    public static RunStatus fold(String runId, SpecificRecordBase event, RunStatus status) {
        RunStatus s = status == null ? new RunStatus() : status;
        s.runId = runId;
        long at = ((java.time.Instant) event.get("occurredAt")).toEpochMilli();
        if (s.createdAtMillis == 0 || at < s.createdAtMillis) {
            s.createdAtMillis = at;
        }
        s.updatedAtMillis = Math.max(s.updatedAtMillis, at);
        s.lastEvent = event.getClass().getSimpleName();
        s.eventCount++;
        if (event instanceof DatasetSubmitted e) {
            s.datasetId = e.getDatasetId();
        } else if (event instanceof DatasetRegistered e) {
            s.datasetId = e.getDatasetId();
            s.datasetKind = e.getDatasetKind().name();
            s.layout = e.getLayout();
            s.itemCount = e.getItemCount();
            s.uncaptionedCount = e.getUncaptionedCount();
            s.registeredAtMillis = at;
            addProblems(s, e.getWarnings());
            s.phase = s.phase.advanceTo(RunPhase.REGISTERED);
        } else if (event instanceof DatasetRejected e) {
            addProblems(s, e.getReasons());
            s.phase = s.phase.advanceTo(RunPhase.REJECTED);
        } else if (event instanceof CaptionsRequested e) {
            s.phase = s.phase.advanceTo(RunPhase.LABELING);
        } else if (event instanceof CaptionsReady e) {
            s.captionsGenerated = e.getGenerated();
            s.captionsKept = e.getKept();
            s.captionsFailed = e.getFailed();
            addProblems(s, e.getFailures());
            s.phase = s.phase.advanceTo(RunPhase.LABELED);
        } else if (event instanceof TrainingRequested e) {
            s.modelType = e.getModelType();
            s.phase = s.phase.advanceTo(RunPhase.QUEUED);
        } else if (event instanceof TrainingStarted e) {
            s.workerId = e.getWorkerId();
            s.attempt = e.getAttempt();
            s.device = e.getDevice();
            s.totalSteps = e.getTotalSteps();
            s.phase = s.phase.advanceTo(RunPhase.TRAINING);
        } else if (event instanceof TrainingProgressed e) {
            // only newer progress counts: same attempt and a later step, or a later attempt
            boolean newer = s.step == null || s.attempt == null || e.getAttempt() > s.attempt
                    || (e.getAttempt() == s.attempt && e.getStep() >= s.step);
            if (newer) {
                s.attempt = e.getAttempt();
                s.step = e.getStep();
                s.totalSteps = e.getTotalSteps();
                s.epoch = e.getEpoch();
                s.loss = e.getLoss();
                s.learningRate = e.getLearningRate();
                s.itPerSec = e.getItPerSec();
                s.etaSeconds = e.getEtaSeconds();
            }
            s.phase = s.phase.advanceTo(RunPhase.TRAINING);
        } else if (event instanceof CheckpointSaved e) {
            if (s.lastCheckpointStep == null || e.getStep() >= s.lastCheckpointStep) {
                s.lastCheckpointStep = e.getStep();
                s.lastCheckpointKey = e.getCheckpoint().getKey();
            }
        } else if (event instanceof TrainingFinished e) {
            s.step = e.getSteps();
            s.totalSteps = e.getSteps();
            s.loss = e.getFinalLoss();
            s.modelType = e.getModelType();
            s.etaSeconds = 0.0;
            s.phase = s.phase.advanceTo(RunPhase.FINISHED);
        } else if (event instanceof TrainingFailed e) {
            s.failureReason = e.getReason();
            s.failureMessage = e.getMessage();
            s.phase = s.phase.advanceTo(RunPhase.FAILED);
        } else if (event instanceof TrainingCancelRequested e) {
            s.cancelRequested = true;
            s.phase = s.phase.advanceTo(RunPhase.CANCEL_REQUESTED);
        } else if (event instanceof ModelExported e) {
            s.exports.put(e.getFormat(), e.getArtifact().getKey());
            s.phase = s.phase.advanceTo(RunPhase.EXPORTED);
        }
        return s;
    }

    private static void addProblems(RunStatus s, List<Problem> problems) {
        for (Problem p : problems) {
            if (s.problems.size() >= MAX_PROBLEMS) {
                return;
            }
            String where = p.getFile() == null ? "" : p.getFile() + (p.getLine() == null ? "" : ":" + p.getLine()) + ": ";
            s.problems.add(p.getSeverity() + " " + where + p.getMessage() + " [" + p.getCode() + "]");
        }
    }
}
