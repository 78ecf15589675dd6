package org.lorapipeline.core.run;

import java.nio.file.Files;
import java.nio.file.Path;
import org.lorapipeline.core.config.RunConfig;

/**
 * The config's paths resolved against the working directory, with {@code resume_from: latest} turned into the
 * newest checkpoint of {@code output_dir}.
 *
 * @param tokenizer      {@code tokenizer_path}, or the base model folder
 * @param networkWeights an adapter to start from, or null
 * @param resumeFrom     a checkpoint folder to continue, or null
 */
public record RunPaths(Path baseModel, Path trainData, Path tokenizer, Path outputDir, Path loggingDir,
                       Path networkWeights, Path resumeFrom) {
    /** The {@code resume_from} value that means "the newest checkpoint in output_dir". */
    public static final String LATEST = "latest";

    public static RunPaths resolve(RunConfig c, Path workingDir) {
        Path base = abs(workingDir, c.model().baseModel());
        Path tokenizer = c.model().tokenizerPath() == null ? base : abs(workingDir, c.model().tokenizerPath());
        Path out = abs(workingDir, c.output().outputDir());
        Path logs = c.output().loggingDir() == null ? out.resolve("logs") : abs(workingDir, c.output().loggingDir());
        Path resume = null;
        Path written = c.output().resumeFrom();
        if (written != null) {
            if (written.toString().equals(LATEST)) {
                resume = Checkpoints.latest(out).orElseThrow(() -> new IllegalArgumentException("resume_from: latest,"
                        + " but " + out + " has no checkpoint-NNNNNN folder yet; start without resume_from"));
            } else {
                resume = abs(workingDir, written);
                if (!Files.isDirectory(resume)) {
                    throw new IllegalArgumentException("resume_from: " + resume + " is not a checkpoint folder; give"
                            + " a checkpoint-NNNNNN folder of output_dir, or 'latest'");
                }
            }
        }
        Path weights = c.lora().networkWeights() == null ? null : abs(workingDir, c.lora().networkWeights());
        return new RunPaths(base, abs(workingDir, c.data().trainDataDir()), tokenizer, out, logs, weights, resume);
    }

    private static Path abs(Path workingDir, Path p) {
        return workingDir.resolve(p).toAbsolutePath().normalize();
    }
}
