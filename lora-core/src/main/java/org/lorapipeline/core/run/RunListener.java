package org.lorapipeline.core.run;

import java.nio.file.Path;

/** Hooks a caller (the CLI's progress bar, a service emitting events) gets during a run; all optional. */
public interface RunListener {
    /** Before the first step; {@code startStep} is 0, or the checkpoint's step when resuming. */
    default void started(long startStep, long totalSteps, String summary) {}

    default void step(RunProgress progress) {}

    /**
     * Stable Diffusion runs with {@code cache_latents}: {@code done} of {@code total} latent cache entries are ready
     * before training, {@code encoded} of them encoded now (the rest were cached by an earlier run).
     */
    default void latentsCached(int done, int total, int encoded) {}

    /** Stable Diffusion preview images written for {@code step} into {@code dir}. */
    default void samplesWritten(Path dir, long step) {}

    default void checkpointSaved(Path dir, long step) {}

    default void exported(String format, Path path) {}

    RunListener NONE = new RunListener() {};
}
