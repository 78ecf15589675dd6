package org.lorapipeline.runtime;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole life of a service process in one call:
 * <pre>{@code
 * public static void main(String[] args) {
 *     ServiceMain.run("ingest-service", args, service ->
 *             service.consume(Topics.DATASET_SUBMITTED, new IngestHandler(service.store())));
 * }
 * }</pre>
 * Configures logging, reads the config, starts the {@link Service}, installs the SIGTERM hook that drains the
 * loops, and blocks. Exit status: 0 after a clean stop, 1 when start-up failed or a loop died, 2 for bad config.
 */
public final class ServiceMain {
    private static final Logger log = LoggerFactory.getLogger(ServiceMain.class);
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_CONFIG = 2;

    private ServiceMain() {}

    public static void run(String serviceName, String[] args, ServiceWiring wiring) {
        int status = runUntilStopped(serviceName, args, wiring);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** {@link #run} without the final {@code System.exit}: returns the exit status. */
    static int runUntilStopped(String serviceName, String[] args, ServiceWiring wiring) {
        ServiceLogging.configure(System.getenv());
        ServiceConfig config;
        try {
            config = ServiceConfigLoader.load(serviceName, args);
        } catch (ConfigException e) {
            log.error("{} cannot start: {}", serviceName, e.getMessage());
            return EXIT_CONFIG;
        }
        Service service;
        try {
            service = Service.start(config, wiring);
        } catch (Exception e) {
            log.error("{} could not start: {}", config.serviceName(), e.getMessage(), e);
            return EXIT_FAILED;
        }
        AtomicBoolean hookRan = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            hookRan.set(true);
            log.info("{}: termination requested, draining in-flight events", config.serviceName());
            service.close();
            ServiceLogging.stop();
        }, "lora-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            boolean clean = service.awaitTermination();
            if (hookRan.get()) {
                return 0; // the JVM is already exiting; System.exit now would block forever
            }
            if (!clean) {
                log.error("{}: a consumer loop died, stopping so the orchestrator restarts the service", config.serviceName());
                service.close();
                return EXIT_FAILED;
            }
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            service.close();
            return EXIT_FAILED;
        }
    }
}
