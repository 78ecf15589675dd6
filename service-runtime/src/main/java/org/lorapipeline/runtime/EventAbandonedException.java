package org.lorapipeline.runtime;

/**
 * Thrown by a long handler that stops early because {@link EventContext#shutdownRequested()} turned true (for
 * example training that saved a checkpoint on SIGTERM). The event is neither committed nor dead-lettered: the next
 * owner of the partition receives it again and resumes. Outside a shutdown it counts as a retryable failure.
 */
public class EventAbandonedException extends RuntimeException {
    public EventAbandonedException(String message) {
        super(message);
    }
}
