package org.lorapipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class ServiceLoggingTest {
    final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    final PrintStream realOut = System.out;

    @AfterEach
    void restore() throws Exception {
        System.setOut(realOut);
        context.reset();
        new ContextInitializer(context).autoConfig(); // back to what the test JVM started with
    }

    private String logOneLine(String format) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        ServiceLogging.apply(context, format);
        MDC.put("runId", "run-42");
        MDC.put("eventId", "evt-7");
        try {
            LoggerFactory.getLogger("org.lorapipeline.test").info("handled {}", "it");
        } finally {
            MDC.clear();
        }
        LoggerFactory.getLogger("org.lorapipeline.test").info("outside any event");
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void jsonFormatWritesOneObjectPerLineWithTheMdc() {
        String out = logOneLine(ServiceLogging.format("JSON"));
        String[] lines = out.strip().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).startsWith("{").endsWith("}")
                .contains("\"level\":\"INFO\"").contains("\"loggerName\":\"org.lorapipeline.test\"")
                .contains("\"runId\":\"run-42\"").contains("\"eventId\":\"evt-7\"")
                .contains("\"formattedMessage\":\"handled it\"").doesNotContain("\"context\"");
        assertThat(lines[1]).doesNotContain("run-42");
    }

    @Test
    void textFormatShowsRunAndEventOnlyWhenSet() {
        String out = logOneLine(ServiceLogging.format(null));
        String[] lines = out.strip().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).contains("INFO").contains("[run=run-42 event=evt-7] - handled it");
        assertThat(lines[1]).contains("org.lorapipeline.test - outside any event").doesNotContain("run=");
    }

    @Test
    void onlyJsonSelectsJson() {
        assertThat(ServiceLogging.format("json")).isEqualTo("json");
        assertThat(ServiceLogging.format(" Json ")).isEqualTo("json");
        assertThat(ServiceLogging.format("text")).isEqualTo("text");
        assertThat(ServiceLogging.format("yaml")).isEqualTo("text");
    }
}
