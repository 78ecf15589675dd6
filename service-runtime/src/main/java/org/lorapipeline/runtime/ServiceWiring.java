package org.lorapipeline.runtime;

/** A service's own part of start-up: build its handlers from the runtime's parts and register them with {@link Service#consume}. */
@FunctionalInterface
public interface ServiceWiring {
    void wire(Service service) throws Exception;
}
