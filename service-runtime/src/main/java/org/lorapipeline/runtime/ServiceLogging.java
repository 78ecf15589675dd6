package org.lorapipeline.runtime;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import java.util.Locale;
import java.util.Map;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Points logback at the runtime's {@code logback-service.xml}. Done in code rather than by a {@code logback.xml}
 * on the classpath so that a library jar does not take over the logging of every program that uses it (the CLI,
 * tests); an explicit {@code -Dlogback.configurationFile} always wins.
 */
public final class ServiceLogging {
    public static final String CONFIG_RESOURCE = "/org/lorapipeline/runtime/logback-service.xml";
    static final String FORMAT_PROPERTY = "lora.log.format";

    private ServiceLogging() {}

    /** Configures from the environment ({@code LORA_LOG_FORMAT}); a no-op when logback is configured explicitly. */
    public static void configure(Map<String, String> env) {
        if (System.getProperty("logback.configurationFile") != null) {
            return;
        }
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            apply(context, format(env.get("LORA_LOG_FORMAT")));
        }
    }

    /** {@code json} for {@code LORA_LOG_FORMAT=json} (any case), else {@code text}. */
    static String format(String value) {
        return value != null && value.strip().toLowerCase(Locale.ROOT).equals("json") ? "json" : "text";
    }

    static void apply(LoggerContext context, String format) {
        URL config = ServiceLogging.class.getResource(CONFIG_RESOURCE);
        if (config == null) {
            throw new IllegalStateException(CONFIG_RESOURCE + " is missing from the service-runtime jar");
        }
        context.reset();
        context.putProperty(FORMAT_PROPERTY, format);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(config);
        } catch (JoranException e) {
            throw new IllegalStateException("cannot apply " + CONFIG_RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /** Flushes and stops logback; the last thing a shutdown hook does. */
    public static void stop() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }
}
