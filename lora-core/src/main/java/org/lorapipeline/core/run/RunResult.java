package org.lorapipeline.core.run;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.lorapipeline.core.train.TextDataset;

/**
 * How a run ended.
 *
 * @param status         completed or cancelled (a failure is an exception)
 * @param steps          global optimizer steps done, counting those before a resume
 * @param losses         loss of every step of this session, in order (NaN for skipped steps)
 * @param skippedSteps   steps dropped for NaN/Inf in this session
 * @param lastCheckpoint newest checkpoint folder, or null when none was written
 * @param exports        written exports by format name ({@code peft}, {@code gguf}, {@code merged})
 * @param data           what tokenization did to the records; null for Stable Diffusion runs, whose data summary
 *                       goes to {@link RunListener#started}
 */
public record RunResult(Status status, long steps, List<Double> losses, int skippedSteps, Path lastCheckpoint,
                        Map<String, Path> exports, TextDataset.Stats data) {
    public enum Status { COMPLETED, CANCELLED }

    public RunResult {
        losses = List.copyOf(losses);
        exports = Map.copyOf(exports);
    }
}
