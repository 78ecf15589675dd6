package org.lorapipeline.core.config;

import java.nio.file.Path;
import java.util.List;

/**
 * What the run writes.
 *
 * @param outputDir         {@code output_dir}
 * @param outputName        {@code output_name}: file stem of the adapter and {@code ss_output_name}
 * @param saveSteps         {@code save_steps}: checkpoint every N optimiser steps; 0 = only at the end
 * @param saveTotalLimit    {@code save_total_limit}: keep the newest N checkpoints; 0 = keep all
 * @param resumeFrom        {@code resume_from}: checkpoint folder to continue (weights, optimiser, step), or null
 * @param loggingDir        {@code logging_dir}: TensorBoard event files
 * @param logEveryNSteps    {@code log_every_n_steps}
 * @param sampleEveryNSteps {@code sample_every_n_steps}: preview every N steps; 0 = only at the end
 * @param samplePrompts     {@code sample_prompts}; empty = no previews
 * @param exportFormats     {@code export_formats}
 */
public record OutputSection(Path outputDir, String outputName, int saveSteps, int saveTotalLimit, Path resumeFrom,
                            Path loggingDir, int logEveryNSteps, int sampleEveryNSteps, List<String> samplePrompts,
                            List<ExportFormat> exportFormats) {
    public OutputSection {
        ConfigKeys.OUTPUT_DIR.require(outputDir);
        ConfigKeys.OUTPUT_NAME.require(outputName);
        ConfigKeys.SAVE_STEPS.require(saveSteps);
        ConfigKeys.SAVE_TOTAL_LIMIT.require(saveTotalLimit);
        ConfigKeys.LOGGING_DIR.require(loggingDir);
        ConfigKeys.LOG_EVERY_N_STEPS.require(logEveryNSteps);
        ConfigKeys.SAMPLE_EVERY_N_STEPS.require(sampleEveryNSteps);
        samplePrompts = List.copyOf(samplePrompts);
        exportFormats = List.copyOf(exportFormats);
        if (exportFormats.isEmpty() || exportFormats.stream().distinct().count() != exportFormats.size()) {
            throw new IllegalArgumentException("export_formats: must list at least one format, each once");
        }
    }
}
