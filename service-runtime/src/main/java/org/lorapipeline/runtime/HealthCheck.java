package org.lorapipeline.runtime;

/** One readiness or liveness condition; returns null when healthy, else a short reason. May throw (counts as failing). */
@FunctionalInterface
public interface HealthCheck {
    String problem() throws Exception;
}
