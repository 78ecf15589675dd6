package org.lorapipeline.core.run;

import java.nio.file.Path;

/** The loss or the gradients were NaN/Inf for {@code max_nonfinite_steps} steps in a row; the run stopped. */
public final class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path lastGoodCheckpoint;

    public TrainingDivergedException(String message, Path lastGoodCheckpoint) {
        super(message);
        this.lastGoodCheckpoint = lastGoodCheckpoint;
    }

    /** The newest checkpoint, written before the divergence, or null when none was saved yet. */
    public Path lastGoodCheckpoint() {
        return lastGoodCheckpoint;
    }
}
