package org.lorapipeline.schemas;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.lorapipeline.events.CaptionsReady;
import org.lorapipeline.events.CaptionsRequested;
import org.lorapipeline.events.CheckpointSaved;
import org.lorapipeline.events.DatasetRegistered;
import org.lorapipeline.events.DatasetRejected;
import org.lorapipeline.events.DatasetSubmitted;
import org.lorapipeline.events.ModelExported;
import org.lorapipeline.events.TrainingCancelRequested;
import org.lorapipeline.events.TrainingFailed;
import org.lorapipeline.events.TrainingFinished;
import org.lorapipeline.events.TrainingProgressed;
import org.lorapipeline.events.TrainingRequested;
import org.lorapipeline.events.TrainingStarted;

/** The topic catalog: every topic the pipeline uses, in flow order. Deployment manifests are checked against it. */
public final class Topics {
    private static final Duration WEEK = Duration.ofDays(7);
    private static final Duration MONTH = Duration.ofDays(30);
    private static final int PARTITIONS = 6;

    public static final TopicSpec<DatasetSubmitted> DATASET_SUBMITTED = new TopicSpec<>(
            "dataset.submitted.v1", DatasetSubmitted.class, PARTITIONS, MONTH, false, "a dataset + run config to ingest");
    public static final TopicSpec<DatasetRegistered> DATASET_REGISTERED = new TopicSpec<>(
            "dataset.registered.v1", DatasetRegistered.class, PARTITIONS, MONTH, false, "a checked dataset with its manifest");
    public static final TopicSpec<DatasetRejected> DATASET_REJECTED = new TopicSpec<>(
            "dataset.rejected.v1", DatasetRejected.class, PARTITIONS, MONTH, false, "a dataset refused, with reasons per file");
    public static final TopicSpec<CaptionsRequested> CAPTIONS_REQUESTED = new TopicSpec<>(
            "captions.requested.v1", CaptionsRequested.class, PARTITIONS, WEEK, false, "images to auto-label");
    public static final TopicSpec<CaptionsReady> CAPTIONS_READY = new TopicSpec<>(
            "captions.ready.v1", CaptionsReady.class, PARTITIONS, MONTH, false, "captions written for a dataset");
    public static final TopicSpec<TrainingRequested> TRAINING_REQUESTED = new TopicSpec<>(
            "training.requested.v1", TrainingRequested.class, PARTITIONS, MONTH, false, "the jobs queue train workers share");
    /**
     * Runs that need a GPU ({@code device: cuda:N}) are routed here instead of {@link #TRAINING_REQUESTED}, so a CPU
     * worker never takes one: only workers started with {@code LORA_TRAIN_QUEUE=gpu} consume it. Same event type.
     */
    public static final TopicSpec<TrainingRequested> GPU_TRAINING_REQUESTED = new TopicSpec<>(
            "gpu-training.requested.v1", TrainingRequested.class, PARTITIONS, MONTH, false, "the jobs queue of GPU-only runs");
    public static final TopicSpec<TrainingStarted> TRAINING_STARTED = new TopicSpec<>(
            "training.started.v1", TrainingStarted.class, PARTITIONS, MONTH, false, "a worker took a run");
    public static final TopicSpec<TrainingProgressed> TRAINING_PROGRESSED = new TopicSpec<>(
            "training.progressed.v1", TrainingProgressed.class, PARTITIONS, WEEK, false, "periodic progress");
    public static final TopicSpec<CheckpointSaved> CHECKPOINT_SAVED = new TopicSpec<>(
            "checkpoint.saved.v1", CheckpointSaved.class, PARTITIONS, MONTH, false, "a resumable checkpoint in S3");
    public static final TopicSpec<TrainingFinished> TRAINING_FINISHED = new TopicSpec<>(
            "training.finished.v1", TrainingFinished.class, PARTITIONS, MONTH, false, "the final adapter in S3");
    public static final TopicSpec<TrainingFailed> TRAINING_FAILED = new TopicSpec<>(
            "training.failed.v1", TrainingFailed.class, PARTITIONS, MONTH, false, "a run stopped for good or cancelled");
    public static final TopicSpec<TrainingCancelRequested> TRAINING_CANCEL_REQUESTED = new TopicSpec<>(
            "training.cancel-requested.v1", TrainingCancelRequested.class, PARTITIONS, WEEK, false, "stop a run");
    public static final TopicSpec<ModelExported> MODEL_EXPORTED = new TopicSpec<>(
            "model.exported.v1", ModelExported.class, PARTITIONS, MONTH, false, "a finished model file, per format");

    public static final List<TopicSpec<?>> ALL = List.of(
            DATASET_SUBMITTED, DATASET_REGISTERED, DATASET_REJECTED, CAPTIONS_REQUESTED, CAPTIONS_READY,
            TRAINING_REQUESTED, GPU_TRAINING_REQUESTED, TRAINING_STARTED, TRAINING_PROGRESSED, CHECKPOINT_SAVED, TRAINING_FINISHED,
            TRAINING_FAILED, TRAINING_CANCEL_REQUESTED, MODEL_EXPORTED);

    private Topics() {}

    public static Optional<TopicSpec<?>> byName(String name) {
        return ALL.stream().filter(t -> t.name().equals(name) || t.dlq().equals(name)).findFirst();
    }

    /** Every topic name including dead-letter twins, as deployments must create them. */
    public static List<String> allNames() {
        return ALL.stream().flatMap(t -> java.util.stream.Stream.of(t.name(), t.dlq())).toList();
    }
}
