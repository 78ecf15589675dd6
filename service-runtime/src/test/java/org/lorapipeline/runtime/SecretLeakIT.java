package org.lorapipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.lorapipeline.testkit.RealStack;
import org.lorapipeline.testkit.TestStack;
import org.slf4j.LoggerFactory;

/** Runs a service through start, a handled event, a dead letter and shutdown with client logs at DEBUG, and greps them for the secret. */
@RealStack
class SecretLeakIT {
    private static final List<String> CLIENT_LOGGERS = List.of(Logger.ROOT_LOGGER_NAME, "org.lorapipeline", "org.apache.kafka.clients",
            "io.minio", "okhttp3");

    private final TestStack stack;

    SecretLeakIT(TestStack stack) {
        this.stack = stack;
    }

    @Test
    void theS3SecretNeverReachesALogLine() throws Exception {
        String secret = stack.endpoints().secretKey();
        assertThat(secret).hasSizeGreaterThan(8);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext(context);
        captured.start();
        Map<String, Level> before = new HashMap<>();
        for (String name : CLIENT_LOGGERS) {
            Logger logger = context.getLogger(name);
            before.put(name, logger.getLevel());
            logger.setLevel(Level.DEBUG);
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        // keep the DEBUG flood out of the build output while it is captured
        List<Appender<ILoggingEvent>> console = new ArrayList<>();
        root.iteratorForAppenders().forEachRemaining(console::add);
        console.forEach(root::detachAppender);
        root.addAppender(captured);
        var topic = ItSupport.privateTopic(stack, 1);
        String service = stack.uniqueId("secret");
        try {
            ServiceConfig config = ItSupport.config(stack, service);
            try (Service s = Service.start(config, svc -> svc.consume(topic, (e, ctx) -> {
                if ("poison".equals(e.getReason())) {
                    throw new PoisonEventException("refused " + e.getRunId());
                }
                svc.store().putBytes("it/" + e.getRunId() + "/out", new byte[] {1});
            }))) {
                var good = TestEvents.cancel(Events.newEventId(), stack.uniqueId("run"));
                var bad = org.lorapipeline.events.TrainingCancelRequested.newBuilder(TestEvents.cancel(Events.newEventId(), good.getRunId()))
                        .setReason("poison").build();
                stack.producer().send(topic, good.getRunId(), good);
                stack.producer().send(topic, bad.getRunId(), bad);
                ItSupport.awaitChecked("both events committed", Duration.ofSeconds(60),
                        () -> ItSupport.committed(stack, service, new TopicPartition(topic.name(), 0)) == 2);
            }
        } finally {
            root.detachAppender(captured);
            console.forEach(root::addAppender);
            before.forEach((name, level) -> context.getLogger(name).setLevel(level));
        }

        List<ILoggingEvent> events = List.copyOf(captured.list);
        assertThat(events).as("DEBUG logs were captured").hasSizeGreaterThan(50);
        assertThat(events).as("the config was logged, masked")
                .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("s3SecretKey=****"));
        assertThat(events).as("the dead letter was logged with its stack trace")
                .anySatisfy(e -> assertThat(e.getThrowableProxy()).isNotNull());
        for (ILoggingEvent e : events) {
            String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()))
                    + e.getMDCPropertyMap();
            assertThat(line).as("log line from %s", e.getLoggerName()).doesNotContain(secret);
        }
    }
}
