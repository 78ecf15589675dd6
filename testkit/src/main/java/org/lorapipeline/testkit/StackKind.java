package org.lorapipeline.testkit;

import java.util.Locale;

/** Which stack the tests run against, chosen by the system property {@code lora.stack}. */
public enum StackKind {
    /** Kafka broker and s3proxy in the test JVM; needs nothing installed (the default, and what CI runs). */
    EMBEDDED,
    /** Kafka and MinIO containers through Testcontainers; needs Docker. */
    TESTCONTAINERS;

    public static final String PROPERTY = "lora.stack";

    public static StackKind fromSystemProperty() {
        return parse(System.getProperty(PROPERTY, "embedded"));
    }

    static StackKind parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "", "embedded" -> EMBEDDED;
            case "testcontainers", "containers", "docker" -> TESTCONTAINERS;
            default -> throw new IllegalArgumentException("-D" + PROPERTY + "=" + value
                    + " is not known; use embedded (default) or testcontainers");
        };
    }

    public RunningStack start() {
        return switch (this) {
            case EMBEDDED -> EmbeddedStack.start();
            case TESTCONTAINERS -> ContainerStack.start();
        };
    }
}
