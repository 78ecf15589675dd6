package org.lorapipeline.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The meters of one consumer loop, tagged with topic and service. Prometheus names: {@code lora_events_handled_total},
 * {@code lora_events_failed_total} (failed attempts), {@code lora_events_dead_lettered_total{reason}},
 * {@code lora_events_duplicates_skipped_total}, {@code lora_handler_duration_seconds}, {@code lora_consumer_lag}.
 */
final class LoopMetrics {
    private final MeterRegistry registry;
    private final String topic;
    private final String service;
    private final Counter handled;
    private final Counter failed;
    private final Counter duplicates;
    private final AtomicLong lag = new AtomicLong();

    LoopMetrics(MeterRegistry registry, String topic, String service) {
        this.registry = registry;
        this.topic = topic;
        this.service = service;
        this.handled = Counter.builder("lora.events.handled").description("events handled successfully")
                .tags("topic", topic, "service", service).register(registry);
        this.failed = Counter.builder("lora.events.failed").description("handler attempts that threw")
                .tags("topic", topic, "service", service).register(registry);
        this.duplicates = Counter.builder("lora.events.duplicates.skipped").description("redelivered events skipped by event id")
                .tags("topic", topic, "service", service).register(registry);
        Gauge.builder("lora.consumer.lag", lag, AtomicLong::get).description("records behind the log end, summed over assigned partitions")
                .tags("topic", topic, "service", service).register(registry);
    }

    void handled() {
        handled.increment();
    }

    void failed() {
        failed.increment();
    }

    void duplicate() {
        duplicates.increment();
    }

    void deadLettered(String reason) {
        Counter.builder("lora.events.dead.lettered").description("events sent to the dead-letter topic")
                .tags("topic", topic, "service", service, "reason", reason).register(registry).increment();
    }

    void handlerDuration(Duration d, String outcome) {
        Timer.builder("lora.handler.duration").description("time in the handler per attempt")
                .tags("topic", topic, "service", service, "outcome", outcome).register(registry).record(d);
    }

    void lag(long value) {
        lag.set(value);
    }
}
