package org.lorapipeline.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.lorapipeline.schemas.AvroSerde;
import org.lorapipeline.schemas.TopicSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * At-least-once consumer loop for one topic.
 *
 * <p>One poll thread owns the {@link Consumer}; the handler runs on a separate worker thread. While an event is in
 * flight (or waiting out a retry backoff) every assigned partition is paused and the poll thread keeps calling
 * {@code poll}, so the member stays in the group however long the handler takes: {@code max.poll.interval.ms} bounds
 * the time between polls, never a handler's run time. Events are handled one at a time, in partition order.
 *
 * <p>Per event: decode the raw bytes (undecodable → dead letter), skip if its {@code eventId} is already in
 * {@link ProcessedEvents}, run the handler, wait until its follow-up events are acknowledged, write the processed
 * marker, then commit the offset. Failures are retried with {@link BackoffPolicy} when {@link ErrorClassifier} says
 * they may pass, up to {@code maxAttempts}; the rest go to {@code <topic>.dlq} with error headers and are committed.
 *
 * <p>Idempotency: a marker per handled event in S3 ({@link S3ProcessedEvents}) behind an in-memory LRU. It survives
 * restarts and is shared by all instances of the group, which Kafka offsets alone are not: a crash after the
 * follow-ups were sent but before the commit redelivers the event, and the marker turns that into a skip. A crash
 * before the marker is written re-runs the handler; follow-up ids from {@link EventContext#newEventId()} are then
 * the same as the first time, so downstream services skip the repeats too.
 *
 * <p>Shutdown ({@link #close()}, called from the SIGTERM hook): stop taking new events, let the in-flight handler
 * finish (an event waiting for a retry is left uncommitted for the next owner), commit, close the consumer.
 */
public final class EventLoop<V extends SpecificRecordBase> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventLoop.class);
    private static final Duration BUSY_POLL = Duration.ofMillis(100);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(30);

    static {
        org.lorapipeline.schemas.TrustedPackages.ensure();
    }

    /** Tunables of a loop; {@link #defaults} derives them from the service config. */
    public record Settings(String serviceName, String workerId, String groupId, int maxAttempts, BackoffPolicy backoff,
                           Duration pollTimeout, Duration revokeGrace, Duration livenessWindow) {
        public Settings {
            if (groupId == null || groupId.isBlank()) {
                throw new IllegalArgumentException("groupId must not be blank");
            }
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
            }
        }

        public static Settings defaults(ServiceConfig c, String groupId) {
            return new Settings(c.serviceName(), c.workerId(), groupId, c.maxAttempts(), c.backoff(),
                    Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofMinutes(5));
        }
    }

    private enum Outcome { HANDLED, DUPLICATE }

    /** The event being handled or waiting for its next attempt. Touched by the poll thread only. */
    private final class InFlight {
        final ConsumerRecord<byte[], byte[]> record;
        final TopicPartition partition;
        final V event;
        final String eventId;
        final String runId;
        int attempt;
        Future<Outcome> future;
        long retryAtMillis;

        InFlight(ConsumerRecord<byte[], byte[]> record, V event, String eventId, String runId) {
            this.record = record;
            this.partition = new TopicPartition(record.topic(), record.partition());
            this.event = event;
            this.eventId = eventId;
            this.runId = runId;
        }
    }

    private final TopicSpec<V> topic;
    private final AvroSerde<V> serde;
    private final EventHandler<V> handler;
    private final Settings settings;
    private final Consumer<byte[], byte[]> consumer;
    private final EventPublisher publisher;
    private final ProcessedEvents processed;
    private final LoopMetrics metrics;
    private final DoubleSupplier random;
    private final Clock clock;
    private final ExecutorService worker;
    private final Thread pollThread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Deque<ConsumerRecord<byte[], byte[]>> pending = new ArrayDeque<>();

    private volatile boolean stopping;
    private volatile boolean abort;
    private volatile boolean joined;
    private volatile long heartbeatMillis;
    private volatile Set<TopicPartition> assignmentView = Set.of();
    private volatile Throwable failure;
    private InFlight current;

    public EventLoop(TopicSpec<V> topic, EventHandler<V> handler, Settings settings, Consumer<byte[], byte[]> consumer,
                     EventPublisher publisher, ProcessedEvents processed, MeterRegistry registry, DoubleSupplier random, Clock clock) {
        this.topic = topic;
        this.serde = topic.valueSerde();
        this.handler = handler;
        this.settings = settings;
        this.consumer = consumer;
        this.publisher = publisher;
        this.processed = processed;
        this.metrics = new LoopMetrics(registry, topic.name(), settings.serviceName());
        this.random = random;
        this.clock = clock;
        this.worker = Executors.newSingleThreadExecutor(r -> daemon(r, "lora-handler-" + topic.name()));
        this.pollThread = daemon(this::run, "lora-loop-" + topic.name());
        this.heartbeatMillis = clock.millis();
    }

    /** A loop on a real Kafka consumer for {@code topic} in consumer group {@code groupId}. */
    public static <V extends SpecificRecordBase> EventLoop<V> create(ServiceConfig config, TopicSpec<V> topic, String groupId,
                                                                     EventHandler<V> handler, EventPublisher publisher,
                                                                     ProcessedEvents processed, MeterRegistry registry) {
        Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(KafkaClients.consumer(config, groupId, topic.name()));
        return new EventLoop<>(topic, handler, Settings.defaults(config, groupId), consumer, publisher, processed, registry,
                () -> ThreadLocalRandom.current().nextDouble(), Clock.systemUTC());
    }

    public EventLoop<V> start() {
        pollThread.start();
        return this;
    }

    public TopicSpec<V> topic() {
        return topic;
    }

    public String groupId() {
        return settings.groupId();
    }

    /** True once the consumer joined its group (it may own no partition when the group has more members than partitions). */
    public boolean isJoined() {
        return joined;
    }

    public Set<TopicPartition> assignment() {
        return assignmentView;
    }

    /** Alive while the poll thread runs and has looped recently. */
    public boolean isAlive() {
        return stopped.getCount() > 0 && failure == null
                && clock.millis() - heartbeatMillis < settings.livenessWindow().toMillis();
    }

    /** Why the loop died, if it did. */
    public Throwable failure() {
        return failure;
    }

    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Drains: waits for the in-flight handler to finish, commits, closes the consumer. */
    @Override
    public void close() {
        close(Duration.ofMinutes(10));
    }

    /** Drains for at most {@code timeout}; then interrupts the handler and leaves its event uncommitted. */
    public void close(Duration timeout) {
        stopping = true;
        try {
            if (pollThread.isAlive() && !stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{}: in-flight handler still running after {}; interrupting it, its event stays uncommitted", topic.name(), timeout);
                abort = true;
                worker.shutdownNow();
                stopped.await(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            worker.shutdownNow();
        }
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topic.name()), new Rebalance());
            while (true) {
                heartbeatMillis = clock.millis();
                if (abort) {
                    if (current != null && current.future != null) {
                        current.future.cancel(true);
                    }
                    break;
                }
                if (stopping && (current == null || current.future == null)) {
                    if (current != null) {
                        log.info("{}: stopping while event {} waits for attempt {}; left uncommitted for redelivery",
                                topic.name(), current.eventId, current.attempt + 1);
                    }
                    break;
                }
                if (current == null && !stopping) {
                    ConsumerRecord<byte[], byte[]> next = pending.poll();
                    if (next != null) {
                        begin(next);
                    } else {
                        consumer.resume(consumer.paused());
                        consumer.poll(settings.pollTimeout()).forEach(pending::add);
                        updateLag();
                    }
                    continue;
                }
                // An event is in flight or backing off: keep the membership alive without fetching more.
                consumer.pause(consumer.assignment());
                ConsumerRecords<byte[], byte[]> extra = consumer.poll(BUSY_POLL);
                extra.forEach(pending::add); // only from partitions assigned during this poll; kept in order
                if (current != null) {
                    progress(current);
                }
            }
            log.info("{}: consumer loop of group {} stopped", topic.name(), settings.groupId());
        } catch (Throwable t) {
            failure = t;
            log.error("{}: consumer loop of group {} died: {}", topic.name(), settings.groupId(), t.toString(), t);
        } finally {
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
            } catch (RuntimeException e) {
                log.warn("{}: closing the consumer failed: {}", topic.name(), e.getMessage());
            }
            worker.shutdown();
            stopped.countDown();
        }
    }

    /** Decodes and starts the first attempt; events that cannot even be read are dead-lettered here. */
    private void begin(ConsumerRecord<byte[], byte[]> record) {
        V event;
        String eventId;
        String runId;
        try {
            if (record.value() == null) {
                throw new PoisonEventException("record has no value (a tombstone?) on " + topic.name() + ", which carries "
                        + topic.valueType().getSimpleName() + " events");
            }
            event = serde.decode(record.value());
            eventId = Events.eventId(event);
            runId = Events.runId(event);
            if (eventId == null || eventId.isBlank()) {
                throw new PoisonEventException(topic.valueType().getSimpleName() + " has a blank eventId");
            }
        } catch (RuntimeException e) {
            MDC.put("topic", topic.name());
            try {
                log.warn("{}: cannot read the record at partition {} offset {}: {}", topic.name(), record.partition(), record.offset(), e.getMessage());
                deadLetter(record, e, 0);
                commit(record);
            } finally {
                MDC.clear();
            }
            return;
        }
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (runId != null && !runId.equals(key)) {
            log.warn("{}: event {} has runId {} but record key {}; ordering per run is not guaranteed for it", topic.name(), eventId, runId, key);
        }
        current = new InFlight(record, event, eventId, runId);
        consumer.pause(consumer.assignment());
        submit(current);
    }

    private void submit(InFlight c) {
        c.attempt++;
        int attempt = c.attempt;
        c.future = worker.submit(() -> attempt(c, attempt));
    }

    /** One handler attempt, on the worker thread. */
    private Outcome attempt(InFlight c, int attempt) throws Exception {
        MDC.put("runId", String.valueOf(c.runId));
        MDC.put("eventId", c.eventId);
        MDC.put("topic", topic.name());
        long start = System.nanoTime();
        String outcome = "failure";
        try {
            if (processed.isProcessed(c.eventId)) {
                outcome = "duplicate";
                return Outcome.DUPLICATE;
            }
            HandlerContext ctx = new HandlerContext(c.record, attempt, c.eventId, c.runId, settings, publisher, () -> stopping);
            handler.handle(c.event, ctx);
            ctx.awaitFollowUps();
            markProcessed(c);
            outcome = "success";
            return Outcome.HANDLED;
        } finally {
            if (!outcome.equals("duplicate")) {
                metrics.handlerDuration(Duration.ofNanos(System.nanoTime() - start), outcome);
            }
            MDC.clear();
        }
    }

    private void markProcessed(InFlight c) {
        String marker = Json.object(Map.of("eventId", c.eventId, "topic", c.record.topic(), "partition", c.record.partition(),
                "offset", c.record.offset(), "service", settings.serviceName(), "workerId", settings.workerId(),
                "handledAt", clock.instant().toString()));
        try {
            processed.markProcessed(c.eventId, marker);
        } catch (RuntimeException e) {
            // The handler's work is done and its follow-ups are out; losing the marker only means a redelivery
            // would run the (idempotent) handler again, so do not fail the event for it.
            log.warn("{}: could not record event {} as processed: {}", topic.name(), c.eventId, e.getMessage());
        }
    }

    /** Moves the in-flight event on once its attempt finished or its backoff elapsed. Poll thread. */
    private void progress(InFlight c) {
        if (c.future == null) {
            if (clock.millis() >= c.retryAtMillis) {
                submit(c);
            }
            return;
        }
        if (!c.future.isDone()) {
            return;
        }
        withMdc(c, () -> {
            try {
                finish(c, c.future.get());
            } catch (CancellationException e) {
                current = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                failed(c, e.getCause());
            }
        });
    }

    private void finish(InFlight c, Outcome outcome) {
        if (outcome == Outcome.DUPLICATE) {
            metrics.duplicate();
            log.info("{}: event {} was already handled, skipping", topic.name(), c.eventId);
        } else {
            metrics.handled();
            log.debug("{}: handled event {} (attempt {})", topic.name(), c.eventId, c.attempt);
        }
        commit(c.record);
        current = null;
    }

    private void failed(InFlight c, Throwable error) {
        if (error instanceof EventAbandonedException && stopping) {
            log.info("{}: handler gave up event {} for the shutdown: {}; left uncommitted for redelivery", topic.name(), c.eventId, error.getMessage());
            current = null;
            return;
        }
        metrics.failed();
        boolean retryable = ErrorClassifier.isRetryable(error);
        if (retryable && c.attempt < settings.maxAttempts()) {
            Duration delay = settings.backoff().delay(c.attempt, random);
            log.warn("{}: attempt {}/{} of event {} failed, retrying in {} ms: {}", topic.name(), c.attempt, settings.maxAttempts(),
                    c.eventId, delay.toMillis(), error.toString());
            c.future = null;
            c.retryAtMillis = clock.millis() + delay.toMillis();
            return;
        }
        String why = retryable ? "gave up after " + c.attempt + " attempts" : "not retryable";
        log.error("{}: event {} {}; sending it to {}: {}", topic.name(), c.eventId, why, topic.dlq(), error.toString(), error);
        deadLetter(c.record, error, c.attempt);
        commit(c.record);
        current = null;
    }

    /**
     * Writes the raw record to the dead-letter topic and waits for the acknowledgement: only then is it safe to
     * commit past it. If the DLQ cannot be written the loop dies uncommitted, and a restart retries.
     */
    private void deadLetter(ConsumerRecord<byte[], byte[]> record, Throwable error, int attempts) {
        var dlq = DeadLetters.record(record, topic.dlq(), error, settings.serviceName(), attempts, clock.instant());
        publisher.await(publisher.send(dlq), topic.dlq());
        metrics.deadLettered(attempts == 0 ? "unreadable" : ErrorClassifier.deadLetterReason(error));
    }

    private void commit(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        try {
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(record.offset() + 1)), COMMIT_TIMEOUT);
        } catch (KafkaException e) {
            // Typically a rebalance took the partition: the new owner gets the event again and skips it by id.
            log.warn("{}: could not commit offset {} of partition {}: {}", topic.name(), record.offset() + 1, record.partition(), e.toString());
        }
    }

    private void updateLag() {
        long sum = 0;
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(tp);
            if (lag.isPresent()) {
                sum += lag.getAsLong();
            }
        }
        metrics.lag(sum);
    }

    private void withMdc(InFlight c, Runnable r) {
        MDC.put("runId", String.valueOf(c.runId));
        MDC.put("eventId", c.eventId);
        MDC.put("topic", topic.name());
        try {
            r.run();
        } finally {
            MDC.clear();
        }
    }

    /** Runs inside {@code poll} on the poll thread, so it may touch {@code current} and the consumer. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            joined = true;
            assignmentView = Set.copyOf(consumer.assignment());
            if (current != null) {
                consumer.pause(partitions);
            }
            if (!partitions.isEmpty()) {
                log.info("{}: assigned {}", topic.name(), partitions);
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            release(partitions, true);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            release(partitions, false);
        }

        private void release(Collection<TopicPartition> partitions, boolean canCommit) {
            Set<TopicPartition> gone = new HashSet<>(partitions);
            pending.removeIf(r -> gone.contains(new TopicPartition(r.topic(), r.partition())));
            InFlight c = current;
            if (c != null && gone.contains(c.partition)) {
                if (c.future != null && canCommit) {
                    try {
                        // The partition moves on when this callback returns; give the handler a chance to finish first.
                        Outcome outcome = c.future.get(settings.revokeGrace().toMillis(), TimeUnit.MILLISECONDS);
                        withMdc(c, () -> finish(c, outcome));
                    } catch (TimeoutException e) {
                        c.future.cancel(true);
                        log.warn("{}: partition {} revoked while event {} was still being handled after {}; interrupted, the new owner redelivers it",
                                topic.name(), c.partition, c.eventId, settings.revokeGrace());
                    } catch (ExecutionException | CancellationException e) {
                        log.info("{}: partition {} revoked after event {} failed; the new owner retries it", topic.name(), c.partition, c.eventId);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                } else if (c.future != null) {
                    c.future.cancel(true);
                }
                current = null;
            }
            Set<TopicPartition> remaining = new HashSet<>(assignmentView);
            remaining.removeAll(gone);
            assignmentView = Set.copyOf(remaining);
            log.info("{}: {} {}", topic.name(), canCommit ? "revoked" : "lost", partitions);
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
