package org.lorapipeline.schemas;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to instantiate classes its class-security validator does not trust. The validator reads
 * {@code org.apache.avro.SERIALIZABLE_PACKAGES} only once, when it first loads, so setting that property is too late
 * if any Avro code ran before us; adding our events package to the global validator works whatever ran first.
 */
public final class TrustedPackages {
    static final String EVENTS_PACKAGE = "org.lorapipeline.events.";
    private static boolean done;

    private TrustedPackages() {}

    /** Trusts {@code org.lorapipeline.events.*}; idempotent and cheap, so every producer and consumer calls it. */
    public static synchronized void ensure() {
        if (!done) {
            ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(),
                    type -> type.getName().startsWith(EVENTS_PACKAGE)));
            done = true;
        }
    }
}
