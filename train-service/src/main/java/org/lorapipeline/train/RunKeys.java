package org.lorapipeline.train;

import org.lorapipeline.core.run.Checkpoints;

/**
 * Where a run's objects live in S3. This layout is a contract: export-service, {@code lora pull} and downstream
 * consumers read these keys.
 * <pre>
 * runs/&lt;runId&gt;/config.yaml                       the config as submitted (base_model as an s3:// URI)
 * runs/&lt;runId&gt;/request.json                      the router's record of the one training request of the run
 * runs/&lt;runId&gt;/attempts/NNNN.json                 lease epochs, one per worker that took the run
 * runs/&lt;runId&gt;/checkpoints/checkpoint-NNNNNN/    folder tree, index.json written last
 * runs/&lt;runId&gt;/logs/...                          TensorBoard files, uploaded as they grow
 * runs/&lt;runId&gt;/samples/...                       sample images (Stable Diffusion)
 * runs/&lt;runId&gt;/adapter/                          folder tree of the final adapter (index.json last)
 * runs/&lt;runId&gt;/exports/&lt;format&gt;/...              written by export-service
 * runs/&lt;runId&gt;/cancel-requested                  marker: a cancel arrived, maybe before any worker took the run
 * runs/&lt;runId&gt;/outcome.avro                      the run's final event (finished or failed), written before it is sent
 * </pre>
 */
public final class RunKeys {
    private RunKeys() {}

    public static String root(String runId) {
        return "runs/" + runId + "/";
    }

    public static String config(String runId) {
        return root(runId) + "config.yaml";
    }

    public static String request(String runId) {
        return root(runId) + "request.json";
    }

    public static String attempts(String runId) {
        return root(runId) + "attempts/";
    }

    public static String attempt(String runId, int attempt) {
        return attempts(runId) + String.format("%04d.json", attempt);
    }

    public static String checkpoints(String runId) {
        return root(runId) + "checkpoints/";
    }

    public static String checkpoint(String runId, long step) {
        return checkpoints(runId) + Checkpoints.name(step);
    }

    public static String logs(String runId) {
        return root(runId) + "logs/";
    }

    public static String samples(String runId) {
        return root(runId) + "samples/";
    }

    public static String adapter(String runId) {
        return root(runId) + "adapter";
    }

    public static String exports(String runId, String format) {
        return root(runId) + "exports/" + format + "/";
    }

    public static String cancelMarker(String runId) {
        return root(runId) + "cancel-requested";
    }

    public static String outcome(String runId) {
        return root(runId) + "outcome.avro";
    }
}
