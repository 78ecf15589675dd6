package org.lorapipeline.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.lorapipeline.core.run.RunListener;
import org.lorapipeline.core.run.RunProgress;
import org.lorapipeline.events.CheckpointSaved;
import org.lorapipeline.events.ObjectRef;
import org.lorapipeline.events.TrainingProgressed;
import org.lorapipeline.events.TrainingStarted;
import org.lorapipeline.runtime.ObjectStore;
import org.lorapipeline.runtime.ObjectTree;
import org.lorapipeline.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@code LoraRun}'s callbacks into the run's events and S3 objects, on the training thread:
 * {@code training.started} once the run knows its steps, {@code training.progressed} every N steps or T seconds,
 * each checkpoint uploaded (fenced by the lease) and then announced with {@code checkpoint.saved}, TensorBoard files
 * and samples copied to S3 as they grow. After every step it also checks whether the run should stop (a cancel, the
 * service shutting down, the handler interrupted) and sets the run's cancel flag.
 */
final class RunReporter implements RunListener {
    private static final Logger log = LoggerFactory.getLogger(RunReporter.class);

    private final RunContext run;
    private final ObjectStore store;
    private final TrainSettings settings;
    private final Path outputDir;
    private final Consumer<RunContext> stopCheck;
    private long lastProgressStep = -1;
    private long lastProgressNanos = System.nanoTime();
    private long lastLogUploadNanos = System.nanoTime();
    private ObjectRef lastCheckpoint;
    private long lastCheckpointStep;

    RunReporter(RunContext run, ObjectStore store, TrainSettings settings, Path outputDir, Consumer<RunContext> stopCheck) {
        this.run = run;
        this.store = store;
        this.settings = settings;
        this.outputDir = outputDir;
        this.stopCheck = stopCheck;
    }

    ObjectRef lastCheckpoint() {
        return lastCheckpoint;
    }

    long lastCheckpointStep() {
        return lastCheckpointStep;
    }

    @Override
    public void started(long startStep, long totalSteps, String summary) {
        log.info("run {} (epoch {}) on {}: {}", run.runId(), run.lease().epoch(), run.device(), summary);
        run.publish(Topics.TRAINING_STARTED, TrainingStarted.newBuilder().setEventId(run.nextEventId())
                .setRunId(run.runId()).setOccurredAt(Instant.now()).setWorkerId(run.workerId())
                .setAttempt(run.lease().epoch()).setDevice(run.device()).setFreeMemoryBytes(run.freeMemoryBytes())
                .setResumedFromStep(startStep > 0 ? startStep : null).setTotalSteps(totalSteps).build());
    }

    @Override
    public void step(RunProgress p) {
        long now = System.nanoTime();
        boolean due = p.step() == p.totalSteps() || lastProgressStep < 0
                || p.step() - lastProgressStep >= settings.progressEverySteps()
                || now - lastProgressNanos >= settings.progressEvery().toNanos();
        if (due) {
            lastProgressStep = p.step();
            lastProgressNanos = now;
            run.publish(Topics.TRAINING_PROGRESSED, TrainingProgressed.newBuilder().setEventId(run.nextEventId())
                    .setRunId(run.runId()).setOccurredAt(Instant.now()).setWorkerId(run.workerId())
                    .setAttempt(run.lease().epoch()).setStep(p.step()).setTotalSteps(p.totalSteps())
                    .setEpoch((int) Math.floor(p.epoch()) + 1).setLoss(p.loss()).setLearningRate(p.learningRate())
                    .setItPerSec(p.itPerSec()).setEtaSeconds(p.eta() == null ? null : p.eta().toMillis() / 1000.0)
                    .build());
        }
        if (now - lastLogUploadNanos >= settings.logUploadEvery().toNanos()) {
            uploadLogs();
        }
        stopCheck.accept(run);
    }

    @Override
    public void checkpointSaved(Path dir, long step) {
        run.lease().check("uploading checkpoint " + dir.getFileName());
        ObjectRef index = ObjectTree.upload(store, dir, RunKeys.checkpoint(run.runId(), step));
        lastCheckpoint = index;
        lastCheckpointStep = step;
        run.publish(Topics.CHECKPOINT_SAVED, CheckpointSaved.newBuilder().setEventId(run.nextEventId())
                .setRunId(run.runId()).setOccurredAt(Instant.now()).setWorkerId(run.workerId())
                .setAttempt(run.lease().epoch()).setStep(step).setCheckpoint(index).build());
        pruneRemote();
        uploadLogs();
    }

    /** Copies TensorBoard files and samples to S3; unchanged files cost a HEAD each, not an upload. */
    void uploadLogs() {
        lastLogUploadNanos = System.nanoTime();
        copyTree(outputDir.resolve("logs"), RunKeys.logs(run.runId()));
        copyTree(outputDir.resolve("samples"), RunKeys.samples(run.runId()));
    }

    private void copyTree(Path dir, String prefix) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                store.putFile(prefix + dir.relativize(f).toString().replace('\\', '/'), f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        } catch (RuntimeException e) {
            log.warn("run {}: copying {} to S3 failed, trying again later: {}", run.runId(), dir, e.getMessage());
        }
    }

    /** Keeps at most {@code save_total_limit} checkpoints in S3 too; the index goes first so none looks complete. */
    private void pruneRemote() {
        int keep = run.saveTotalLimit();
        if (keep <= 0) {
            return;
        }
        var all = RunWorkspace.checkpoints(store, run.runId());
        for (int i = 0; i < all.size() - keep; i++) {
            String prefix = RunKeys.checkpoint(run.runId(), all.get(i).step()) + "/";
            store.delete(prefix + ObjectTree.INDEX);
            store.list(prefix).forEach(o -> store.delete(o.key()));
        }
    }
}
