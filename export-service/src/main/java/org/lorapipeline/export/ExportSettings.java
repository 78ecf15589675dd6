package org.lorapipeline.export;

import java.nio.file.Path;
import java.util.Map;

/**
 * The export-service's own settings, next to the runtime's {@code LORA_*} connection settings.
 *
 * @param modelCacheDir where base models named by {@code s3://} URIs are kept between runs ({@code merged} needs them);
 *                      a volume that survives restarts saves downloading a base model for every run
 * @param workDir       scratch space for one export at a time; emptied after each event
 * @param device        DJL device for the merge ({@code cpu} unless a GPU worker is configured for it)
 */
public record ExportSettings(Path modelCacheDir, Path workDir, String device) {
    public static final String ENV_MODEL_CACHE = "LORA_MODEL_CACHE";
    public static final String ENV_WORK_DIR = "LORA_WORK_DIR";
    public static final String ENV_DEVICE = "LORA_EXPORT_DEVICE";
    /** Every environment variable this service reads beyond the runtime's, for the deployment manifests' check. */
    public static final java.util.List<String> ENVIRONMENT = java.util.List.of(ENV_MODEL_CACHE, ENV_WORK_DIR, ENV_DEVICE);

    public ExportSettings {
        if (modelCacheDir == null) {
            throw new IllegalArgumentException("modelCacheDir (" + ENV_MODEL_CACHE + ") must not be null");
        }
        if (workDir == null) {
            throw new IllegalArgumentException("workDir (" + ENV_WORK_DIR + ") must not be null");
        }
        if (device == null || device.isBlank()) {
            throw new IllegalArgumentException("device (" + ENV_DEVICE + ") must not be blank");
        }
    }

    /** Defaults live under the system temp folder, so a bare {@code java -jar} works; deployments mount volumes. */
    public static ExportSettings fromEnvironment(Map<String, String> env) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        return new ExportSettings(
                path(env, ENV_MODEL_CACHE, tmp.resolve("lora-model-cache")),
                path(env, ENV_WORK_DIR, tmp.resolve("lora-export-work")),
                env.getOrDefault(ENV_DEVICE, "cpu").isBlank() ? "cpu" : env.getOrDefault(ENV_DEVICE, "cpu"));
    }

    private static Path path(Map<String, String> env, String key, Path fallback) {
        String v = env.get(key);
        return v == null || v.isBlank() ? fallback : Path.of(v);
    }
}
