package org.lorapipeline.core.run;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Cooperative cancel: another thread (a shutdown hook, a service's stop request) sets it; the run checks it after
 * every step, saves a checkpoint and returns {@link RunResult.Status#CANCELLED}.
 */
public final class CancelFlag {
    private final AtomicBoolean cancelled = new AtomicBoolean();

    public void cancel() {
        cancelled.set(true);
    }

    public boolean isCancelled() {
        return cancelled.get();
    }
}
