package org.lorapipeline.export;

import java.util.regex.Pattern;

/**
 * Where a run's files live in S3 (the contract between train-service, export-service and {@code lora pull}):
 * <pre>
 * runs/&lt;runId&gt;/config.yaml               the config the run trained with
 * runs/&lt;runId&gt;/adapter/index.json        the final adapter (an ObjectTree)
 * runs/&lt;runId&gt;/exports/&lt;format&gt;/index.json one ObjectTree per exported format
 * </pre>
 */
public final class ExportLayout {
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private ExportLayout() {}

    public static String runPrefix(String runId) {
        return "runs/" + checkId("run id", runId) + "/";
    }

    public static String exportsPrefix(String runId) {
        return runPrefix(runId) + "exports/";
    }

    /** The folder of one format's files, without the trailing slash ({@code ObjectTree} adds it). */
    public static String exportPrefix(String runId, String format) {
        return exportsPrefix(runId) + checkId("format", format);
    }

    private static String checkId(String what, String id) {
        if (id == null || !SAFE_ID.matcher(id).matches()) {
            throw new IllegalArgumentException(what + " '" + id + "' must be letters, digits, '.', '_' or '-'"
                    + " (it becomes part of an S3 key)");
        }
        return id;
    }
}
