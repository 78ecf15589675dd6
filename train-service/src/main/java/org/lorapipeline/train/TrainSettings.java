package org.lorapipeline.train;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.lorapipeline.events.TrainingRequested;
import org.lorapipeline.schemas.TopicSpec;
import org.lorapipeline.schemas.Topics;

/**
 * How one train-service process behaves, from its environment:
 * <ul>
 *   <li>{@code LORA_TRAIN_ROLES} {@code router,worker} (default both): the router turns {@code captions.ready} into
 *       jobs and records cancels; a worker trains jobs. A GPU pool usually runs workers only.</li>
 *   <li>{@code LORA_TRAIN_QUEUE} {@code cpu} (default) or {@code gpu}: which jobs queue the worker takes.</li>
 *   <li>{@code LORA_MODEL_CACHE} (default {@code <tmp>/lora-model-cache}): where base models are kept between runs.</li>
 *   <li>{@code LORA_TRAIN_WORK_DIR} (default {@code <tmp>/lora-train}): per-run scratch folders, deleted after a run.</li>
 *   <li>{@code LORA_TRAIN_PROGRESS_STEPS} (default 10) / {@code LORA_TRAIN_PROGRESS_SECONDS} (default 5): a
 *       {@code training.progressed} event every N steps or T seconds, whichever comes first.</li>
 *   <li>{@code LORA_TRAIN_LOG_UPLOAD_SECONDS} (default 30): TensorBoard files and samples are copied to S3 this often
 *       (and at every checkpoint and at the end).</li>
 * </ul>
 *
 * @param cpuQueue the shared jobs topic (tests pass a private one)
 * @param gpuQueue the GPU-only jobs topic
 */
public record TrainSettings(boolean router, boolean worker, boolean gpuWorker, Path modelCache, Path workDir,
                            int progressEverySteps, Duration progressEvery, Duration logUploadEvery,
                            TopicSpec<TrainingRequested> cpuQueue, TopicSpec<TrainingRequested> gpuQueue) {
    public TrainSettings {
        // LoraRun resolves config paths against the run folder, so everything handed to it must be absolute
        modelCache = modelCache.toAbsolutePath().normalize();
        workDir = workDir.toAbsolutePath().normalize();
        if (!router && !worker) {
            throw new IllegalArgumentException("LORA_TRAIN_ROLES must name router, worker or both");
        }
        if (progressEverySteps < 1) {
            throw new IllegalArgumentException("LORA_TRAIN_PROGRESS_STEPS must be >= 1, got " + progressEverySteps);
        }
    }

    public static TrainSettings fromEnvironment(Map<String, String> env) {
        String roles = env.getOrDefault("LORA_TRAIN_ROLES", "router,worker").toLowerCase(Locale.ROOT);
        String queue = env.getOrDefault("LORA_TRAIN_QUEUE", "cpu").toLowerCase(Locale.ROOT);
        if (!queue.equals("cpu") && !queue.equals("gpu")) {
            throw new IllegalArgumentException("LORA_TRAIN_QUEUE must be cpu or gpu, got '" + queue + "'");
        }
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        return new TrainSettings(roles.contains("router"), roles.contains("worker"), queue.equals("gpu"),
                Path.of(env.getOrDefault("LORA_MODEL_CACHE", tmp.resolve("lora-model-cache").toString())),
                Path.of(env.getOrDefault("LORA_TRAIN_WORK_DIR", tmp.resolve("lora-train").toString())),
                intOf(env, "LORA_TRAIN_PROGRESS_STEPS", 10),
                Duration.ofSeconds(intOf(env, "LORA_TRAIN_PROGRESS_SECONDS", 5)),
                Duration.ofSeconds(intOf(env, "LORA_TRAIN_LOG_UPLOAD_SECONDS", 30)),
                Topics.TRAINING_REQUESTED, Topics.GPU_TRAINING_REQUESTED);
    }

    /** The queue this worker takes jobs from. */
    public TopicSpec<TrainingRequested> jobsTopic() {
        return gpuWorker ? gpuQueue : cpuQueue;
    }

    public TrainSettings withQueues(TopicSpec<TrainingRequested> cpu, TopicSpec<TrainingRequested> gpu) {
        return new TrainSettings(router, worker, gpuWorker, modelCache, workDir, progressEverySteps, progressEvery,
                logUploadEvery, cpu, gpu);
    }

    public TrainSettings withRoles(boolean router, boolean worker) {
        return new TrainSettings(router, worker, gpuWorker, modelCache, workDir, progressEverySteps, progressEvery,
                logUploadEvery, cpuQueue, gpuQueue);
    }

    private static int intOf(Map<String, String> env, String name, int fallback) {
        String v = env.get(name);
        try {
            return v == null || v.isBlank() ? fallback : Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + v + "'");
        }
    }
}
