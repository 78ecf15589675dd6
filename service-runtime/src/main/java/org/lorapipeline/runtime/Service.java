package org.lorapipeline.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.admin.Admin;
import org.lorapipeline.schemas.TopicBootstrap;
import org.lorapipeline.schemas.TopicSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running service: the object store, the publisher, the health server and the consumer loops its wiring
 * registered. Start one with {@link ServiceMain#run} (a process) or {@link #start} (tests).
 */
public final class Service implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Service.class);

    private final ServiceConfig config;
    private final PrometheusMeterRegistry registry;
    private final ObjectStore store;
    private final EventPublisher publisher;
    private final ProcessedEvents processed;
    private final HealthServer health;
    private final JvmGcMetrics gcMetrics;
    private final List<EventLoop<?>> loops = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> closeAfterLoops = new CopyOnWriteArrayList<>();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile boolean started;

    private Service(ServiceConfig config) {
        this.config = config;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("service", config.serviceName());
        new JvmMemoryMetrics().bindTo(registry);
        this.gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        this.store = ObjectStore.connect(config);
        this.processed = new CachedProcessedEvents(new S3ProcessedEvents(store, config.serviceName()), 10_000);
        this.publisher = EventPublisher.create(config);
        this.health = new HealthServer(config.httpPort(), registry);
        health.addReadiness("s3", () -> {
            store.probe();
            return null;
        });
    }

    /**
     * Ensures the bucket and the catalog topics, starts the health server, runs the wiring, then starts the loops it
     * registered. Throws with a message naming what is unreachable; nothing is left running on failure.
     */
    public static Service start(ServiceConfig config, ServiceWiring wiring) throws Exception {
        log.info("starting {} with {}", config.serviceName(), config);
        Service service = new Service(config);
        try {
            service.store.ensureBucket();
            try (Admin admin = Admin.create(KafkaClients.admin(config))) {
                List<String> created = TopicBootstrap.ensureTopics(admin, config.topicReplication());
                if (!created.isEmpty()) {
                    log.info("created topics {}", created);
                }
            }
            service.health.start();
            wiring.wire(service);
            if (service.loops.isEmpty()) {
                log.warn("{} registered no consumer loop", config.serviceName());
            }
            service.loops.forEach(EventLoop::start);
            service.started = true;
            log.info("{} started ({} loop(s), health on port {})", config.serviceName(), service.loops.size(), service.health.port());
            return service;
        } catch (Exception | Error e) {
            service.close();
            throw e;
        }
    }

    public ServiceConfig config() {
        return config;
    }

    public ObjectStore store() {
        return store;
    }

    public EventPublisher publisher() {
        return publisher;
    }

    public MeterRegistry registry() {
        return registry;
    }

    public HealthServer health() {
        return health;
    }

    public List<EventLoop<?>> loops() {
        return List.copyOf(loops);
    }

    /** Registers a consumer loop in the service's own consumer group (the service name). Call from the wiring. */
    public <V extends SpecificRecordBase> EventLoop<V> consume(TopicSpec<V> topic, EventHandler<V> handler) {
        return consume(topic, config.defaultGroupId(), handler);
    }

    public <V extends SpecificRecordBase> EventLoop<V> consume(TopicSpec<V> topic, String groupId, EventHandler<V> handler) {
        if (started) {
            throw new IllegalStateException("register consumer loops from the wiring, before the service starts");
        }
        EventLoop<V> loop = EventLoop.create(config, topic, groupId, handler, publisher, processed, registry);
        loops.add(loop);
        String name = "kafka:" + topic.name();
        health.addLiveness(name, () -> loop.isAlive() ? null
                : "consumer loop not running" + (loop.failure() == null ? "" : ": " + loop.failure()));
        health.addReadiness(name, () -> loop.isJoined() ? null : "consumer has not joined group " + groupId + " yet");
        return loop;
    }

    /**
     * Something the wiring started besides consumer loops (a helper thread, a client): closed after the loops have
     * drained, before the publisher and the store, so in-flight handlers can still use it while they finish.
     */
    public void closeAfterLoops(AutoCloseable resource) {
        closeAfterLoops.add(resource);
    }

    /** Blocks until {@link #close()} ran or a consumer loop died; returns true for a clean stop. */
    public boolean awaitTermination() throws InterruptedException {
        while (!terminated.await(1, TimeUnit.SECONDS)) {
            for (EventLoop<?> loop : loops) {
                if (loop.failure() != null) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Drains every loop (in parallel; each finishes its in-flight event and commits), then closes the clients. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Thread> drains = loops.stream().map(l -> new Thread(l::close, "lora-drain-" + l.topic().name())).toList();
        drains.forEach(Thread::start);
        for (Thread t : drains) {
            try {
                t.join(Duration.ofMinutes(11).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (AutoCloseable c : closeAfterLoops) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("{}: closing {} failed: {}", config.serviceName(), c, e.toString());
            }
        }
        health.close();
        publisher.close();
        store.close();
        gcMetrics.close();
        registry.close();
        terminated.countDown();
        log.info("{} stopped", config.serviceName());
    }
}
