package org.lorapipeline.core.run;

import java.nio.file.Path;

/** Hooks a caller (the CLI's progress bar, a service emitting events) gets during a run; all optional. */
public interface RunListener {
    /** Before the first step; {@code startStep} is 0, or the checkpoint's step when resuming. */
    default void started(long startStep, long totalSteps, String summary) {}

    default void step(RunProgress progress) {}

    default void checkpointSaved(Path dir, long step) {}

    default void exported(String format, Path path) {}

    RunListener NONE = new RunListener() {};
}
