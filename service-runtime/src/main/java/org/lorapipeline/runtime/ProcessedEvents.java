package org.lorapipeline.runtime;

/**
 * Remembers which event ids a service has finished, so a redelivered event (after a crash between handling and
 * committing, a rebalance, or an upstream producer retry) is skipped instead of handled twice.
 */
public interface ProcessedEvents {
    boolean isProcessed(String eventId);

    /** Called after the handler and its follow-ups succeeded, before the offset is committed. */
    void markProcessed(String eventId, String description);
}
